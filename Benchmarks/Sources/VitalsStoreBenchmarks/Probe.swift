import Foundation
import GRDB
import GRDBSQLite
import Vitals
import VitalsSQLite
import VitalsStore

enum PhaseProbe {
    static func run(directory: String) async throws {
        var workload = Workload(seed: 1, agents: 50, models: ["gpt-5-mini"], failureEvery: 0)
        let start: Int64 = 1_767_571_200_000_000_000
        var batches: [[Vitals.Record]] = []
        for b in 0..<100 {
            batches.append(
                workload.batch(
                    count: 1000,
                    from: start + Int64(b) * 1_000_000_000,
                    to: start + Int64(b + 1) * 1_000_000_000
                )
            )
        }
        let identity = SeriesIdentity(labelKeys: StoreConfiguration.defaultLabelKeys)
        let omitted = RawEventCodec.OmittedKeys(seriesLabelKeys: StoreConfiguration.defaultLabelKeys)
        let additive = Set(StoreConfiguration.defaultAdditiveAttributes)
        let prep = await Measure.seconds {
            for batch in batches {
                _ = PreparedBatch(
                    batch,
                    receivedAt: .now(),
                    identity: identity,
                    additiveAttributes: additive,
                    omitted: omitted,
                    keepsRawEvents: true
                )
            }
        }
        print("prepare: \(prep / 100 * 1000) ms per batch")
        for durability in [SQLiteConfiguration.Durability.powerLoss, .processCrash] {
            let store = try await SQLiteStore.open(
                path: directory + "/probe-\(durability).db",
                sqlite: SQLiteConfiguration(durability: durability)
            )
            let total = try await Measure.seconds { for batch in batches { _ = try await store.ingest(batch) } }
            print("\(durability) ingest: \(total / 100 * 1000) ms per batch")
            try await store.close()
        }
        try FloorProbe.run(directory: directory, source: directory + "/probe-processCrash.db")
    }
}

enum FloorProbe {
    static func run(directory: String, source: String) throws {
        let rows = try DatabaseQueue(path: source).read { db in
            try Row.fetchAll(db, sql: "SELECT series_id, time, duration_ms, status, detail FROM events ORDER BY id")
                .map { row -> (Int64, Int64, Double, Int64, Data) in (row[0], row[1], row[2], row[3], row[4]) }
        }
        let sortedRows = stride(from: 0, to: rows.count, by: 1000).flatMap { chunk in
            rows[chunk..<min(chunk + 1000, rows.count)].sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        }
        let variants: [(String, [String], String)] = [
            ("time index", [], "CREATE INDEX e_t ON events (time)"),
            ("index", [], "CREATE INDEX e_st ON events (series_id, time)"),
            ("no index", [], ""),
            ("index, page 16k", ["PRAGMA page_size = 16384"], "CREATE INDEX e_st ON events (series_id, time)"),
            ("index, mmap", ["PRAGMA mmap_size = 1073741824"], "CREATE INDEX e_st ON events (series_id, time)"),
            ("index, cache 64MB", ["PRAGMA cache_size = -65536"], "CREATE INDEX e_st ON events (series_id, time)"),
            ("index, page 8k", ["PRAGMA page_size = 8192"], "CREATE INDEX e_st ON events (series_id, time)"),
        ]
        for (name, pragmas, index) in variants {
            let path = directory + "/floor-\(UUID().uuidString).db"
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                for pragma in pragmas { try db.execute(sql: pragma) }
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            let pool = try DatabasePool(path: path, configuration: configuration)
            try pool.write { db in
                try db.execute(
                    sql:
                        "CREATE TABLE events (id INTEGER PRIMARY KEY, series_id INTEGER NOT NULL, time INTEGER NOT NULL, duration_ms REAL NOT NULL, status INTEGER NOT NULL, detail BLOB NOT NULL)"
                )
                if !index.isEmpty { try db.execute(sql: index) }
            }
            let rows = name.hasPrefix("sorted") ? sortedRows : rows
            let start = ContinuousClock.now
            for chunk in stride(from: 0, to: rows.count, by: 1000) {
                try pool.write { db in
                    let insert = try db.cachedStatement(
                        sql: "INSERT INTO events (series_id, time, duration_ms, status, detail) VALUES (?, ?, ?, ?, ?)"
                    )
                    let handle = insert.sqliteStatement
                    for row in rows[chunk..<min(chunk + 1000, rows.count)] {
                        sqlite3_bind_int64(handle, 1, row.0)
                        sqlite3_bind_int64(handle, 2, row.1)
                        sqlite3_bind_double(handle, 3, row.2)
                        sqlite3_bind_int64(handle, 4, row.3)
                        _ = row.4.withUnsafeBytes { detail in
                            sqlite3_bind_blob(handle, 5, detail.baseAddress, Int32(detail.count), nil)
                            return sqlite3_step(handle)
                        }
                        sqlite3_reset(handle)
                    }
                }
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("floor \(name): \(Int(Double(rows.count) / seconds)) rows/s (1,000 per transaction)")
            try pool.close()
        }
    }
}
