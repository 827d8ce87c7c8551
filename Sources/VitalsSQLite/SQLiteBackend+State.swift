import Foundation
import GRDB
import Vitals
import VitalsStore

extension SQLiteBackend {
    func putState(_ entries: [StateEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await writing("saving state") { db in
            // One compiled statement for the batch: an evaluation of a large fleet writes thousands of alerts.
            let statement = try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO subsystem_state (kind, key, body) VALUES (?, ?, ?)"
            )
            for entry in entries {
                try statement.execute(arguments: [entry.kind, entry.key, Data(entry.body)])
            }
        }
    }

    func deleteState(kind: String, keys: [String]) async throws {
        guard !keys.isEmpty else { return }
        try await writing("deleting state") { db in
            let statement = try db.cachedStatement(sql: "DELETE FROM subsystem_state WHERE kind = ? AND key = ?")
            for key in keys {
                try statement.execute(arguments: [kind, key])
            }
        }
    }

    func loadState(kind: String) async throws -> [StateEntry] {
        try await reading("loading state") { db in
            try Row.fetchAll(
                db,
                sql: "SELECT key, body FROM subsystem_state WHERE kind = ? ORDER BY key",
                arguments: [kind]
            )
            .map { row in StateEntry(kind: kind, key: row[0], body: [UInt8]((row[1] as Data?) ?? Data())) }
        }
    }

    func acquireLease(name: String, holder: String, expires: Timestamp, now: Timestamp) async throws -> Bool {
        try await writing("taking the lease \(name)") { db in
            try db.execute(
                sql: """
                    INSERT INTO leases (name, holder, expires) VALUES (?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires
                    WHERE leases.holder = excluded.holder OR leases.expires <= ?
                    """,
                arguments: [name, holder, expires.nanosecondsSinceEpoch, now.nanosecondsSinceEpoch]
            )
            return try String.fetchOne(db, sql: "SELECT holder FROM leases WHERE name = ?", arguments: [name]) == holder
        }
    }

    func releaseLease(name: String, holder: String) async throws {
        try await writing("releasing the lease \(name)") { db in
            try db.execute(sql: "DELETE FROM leases WHERE name = ? AND holder = ?", arguments: [name, holder])
        }
    }
}
