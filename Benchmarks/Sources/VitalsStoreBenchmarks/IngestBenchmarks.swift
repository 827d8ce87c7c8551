import Foundation
import GRDB
import Vitals
import VitalsPostgres
import VitalsSQLite
import VitalsStore

/// Ingest throughput: batches of 1,000 events over 50 series with raw events kept, through the store API,
/// against the floor of inserting the same raw rows with one prepared statement in one transaction.
enum IngestBenchmarks {
    static let batchSize = 1_000

    /// Ingests `events` events; returns events per second of ingest-call time (generation excluded).
    static func ingest(into store: any MetricStore, events: Int, writers: Int) async throws -> Double {
        let batches = events / batchSize
        let start: Int64 = 1_767_571_200_000_000_000
        let elapsed = try await withThrowingTaskGroup(of: Double.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var workload = Workload(
                        seed: UInt64(writer + 1),
                        agents: 50,
                        models: ["gpt-5-mini"],
                        failureEvery: 0
                    )
                    var busy = 0.0
                    for batch in stride(from: writer, to: batches, by: writers) {
                        // A batch covers one second, so its events fall in one or two minute buckets per series.
                        let from = start + Int64(batch) * 1_000_000_000
                        let records = workload.batch(count: batchSize, from: from, to: from + 1_000_000_000)
                        busy += try await Measure.seconds { _ = try await store.ingest(records) }
                    }
                    return busy
                }
            }
            var longest = 0.0
            for try await busy in group { longest = max(longest, busy) }
            return longest
        }
        return Double(batches * batchSize) / elapsed
    }

    /// The SQLite figures: store ingest (both durabilities) and the raw-insert floor.
    static func sqlite(events: Int, directory: String) async throws -> [String] {
        var lines: [String] = []
        var floorSource = ""
        for (name, durability) in [
            ("power-loss safe (synchronous=FULL)", SQLiteConfiguration.Durability.powerLoss),
            ("process-crash safe (synchronous=NORMAL)", .processCrash),
        ] {
            for writers in [1, 4] {
                let path = directory + "/ingest-\(durability)-\(writers).db"
                let store = try await SQLiteStore.open(path: path, sqlite: SQLiteConfiguration(durability: durability))
                let rate = try await ingest(into: store, events: events, writers: writers)
                try await store.close()
                lines.append("SQLite store ingest, \(name), \(writers) writer(s): \(Measure.grouped(rate)) events/s")
                if durability == .powerLoss, writers == 1 { floorSource = path }
            }
        }
        let floor = try floorRate(source: floorSource, directory: directory)
        lines.append(
            "SQLite floor (same raw rows, one prepared statement, one transaction): \(Measure.grouped(floor)) rows/s"
        )
        return lines
    }

    /// Copies the raw rows a store wrote into an identical `events` table with one prepared statement in one
    /// transaction, and returns rows per second.
    static func floorRate(source: String, directory: String) throws -> Double {
        let rows = try DatabaseQueue(path: source).read { db in
            try Row.fetchAll(db, sql: "SELECT series_id, time, duration_ms, status, detail FROM events ORDER BY id")
                .map { row -> (Int64, Int64, Double, Int64, Data) in (row[0], row[1], row[2], row[3], row[4]) }
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let pool = try DatabasePool(path: directory + "/floor.db", configuration: configuration)
        try pool.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE events (id INTEGER PRIMARY KEY, series_id INTEGER NOT NULL, time INTEGER NOT NULL,
                        duration_ms REAL NOT NULL, status INTEGER NOT NULL, detail BLOB NOT NULL);
                    CREATE INDEX events_by_series_time ON events (series_id, time);
                    """
            )
        }
        let start = ContinuousClock.now
        try pool.write { db in
            let insert = try db.makeStatement(
                sql: "INSERT INTO events (series_id, time, duration_ms, status, detail) VALUES (?, ?, ?, ?, ?)"
            )
            for row in rows { try insert.execute(arguments: [row.0, row.1, row.2, row.3, row.4]) }
        }
        let elapsed = ContinuousClock.now - start
        try pool.close()
        return Double(rows.count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// The PostgreSQL figures, in a fresh schema of the database at `url`.
    static func postgres(events: Int, url: String) async throws -> [String] {
        var lines: [String] = []
        for writers in [1, 4] {
            let schema = "bench_ingest_\(writers)"
            let schemaURL = url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
            try await PostgresStore.dropSchema(url: schemaURL)
            let rate = try await PostgresStore.withStore(url: schemaURL) { store in
                try await ingest(into: store, events: events, writers: writers)
            }
            try await PostgresStore.dropSchema(url: schemaURL)
            lines.append("PostgreSQL store ingest, \(writers) writer(s): \(Measure.grouped(rate)) events/s")
        }
        return lines
    }
}
