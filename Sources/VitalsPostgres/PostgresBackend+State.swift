import PostgresNIO
import Vitals
import VitalsStore

extension PostgresBackend {
    func putState(_ entries: [StateEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await failing("saving state") {
            try await client.query(
                """
                INSERT INTO subsystem_state (kind, key, body)
                SELECT * FROM unnest(\(entries.map(\.kind))::text[], \(entries.map(\.key))::text[], \(entries.map { ByteBuffer(bytes: $0.body) })::bytea[])
                ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body
                """,
                logger: logger
            )
        }
    }

    func deleteState(kind: String, keys: [String]) async throws {
        guard !keys.isEmpty else { return }
        try await failing("deleting state") {
            try await client.query(
                "DELETE FROM subsystem_state WHERE kind = \(kind) AND key = ANY(\(keys)::text[])",
                logger: logger
            )
        }
    }

    func loadState(kind: String) async throws -> [StateEntry] {
        try await failing("loading state") {
            let rows = try await client.query(
                "SELECT key, body FROM subsystem_state WHERE kind = \(kind) ORDER BY key",
                logger: logger
            )
            var entries: [StateEntry] = []
            for try await (key, body) in rows.decode((String, ByteBuffer).self) {
                entries.append(StateEntry(kind: kind, key: key, body: Array(body.readableBytesView)))
            }
            return entries
        }
    }

    func acquireLease(name: String, holder: String, expires: Timestamp, now: Timestamp) async throws -> Bool {
        try await failing("taking the lease \(name)") {
            let rows = try await client.query(
                """
                INSERT INTO leases (name, holder, expires) VALUES (\(name), \(holder), \(expires.nanosecondsSinceEpoch))
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires
                WHERE leases.holder = excluded.holder OR leases.expires <= \(now.nanosecondsSinceEpoch)
                RETURNING holder
                """,
                logger: logger
            )
            for try await held in rows.decode(String.self) where held == holder { return true }
            return false
        }
    }

    func releaseLease(name: String, holder: String) async throws {
        try await failing("releasing the lease \(name)") {
            try await client.query("DELETE FROM leases WHERE name = \(name) AND holder = \(holder)", logger: logger)
        }
    }
}
