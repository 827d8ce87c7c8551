import Foundation
import GRDB
import GRDBSQLite
import Vitals
import VitalsPostgres
import VitalsSQLite
import VitalsStore

/// Ingest throughput through the store API, raw events kept: batches of 1,000 events each in a series of its own
/// (the shape a fleet sends), then batches over 50 series, against the floor of inserting the same raw rows with
/// one prepared statement in one transaction.
enum IngestBenchmarks {
    static let batchSize = 1_000

    /// Batches of 1,000 events each in a series of its own (``FleetWorkload``), one second apart.
    static func fleetBatches(events: Int) -> [[Vitals.Record]] {
        let start: Int64 = 1_767_571_200_000_000_000
        var workload = FleetWorkload()
        return (0..<(events / batchSize)).map { batch in
            let from = start + Int64(batch) * 1_000_000_000
            return workload.batch(count: batchSize, from: from, to: from + 1_000_000_000)
        }
    }

    /// Batches of 1,000 events over 50 series (50 agents, one model, all successful), one second apart,
    /// generated before the clock starts so that only ingest is timed.
    static func batches(events: Int) -> [[Vitals.Record]] {
        let start: Int64 = 1_767_571_200_000_000_000
        var workload = Workload(seed: 1, agents: 50, models: ["gpt-5-mini"], failureEvery: 0)
        return (0..<(events / batchSize)).map { batch in
            let from = start + Int64(batch) * 1_000_000_000
            return workload.batch(count: batchSize, from: from, to: from + 1_000_000_000)
        }
    }

    /// Ingests the batches from `writers` concurrent tasks; returns events per second of wall-clock time and
    /// microseconds of CPU (all threads, user and system) per event.
    static func ingest(
        _ batches: [[Vitals.Record]],
        into store: any MetricStore,
        writers: Int
    ) async throws -> (rate: Double, cpuMicroseconds: Double) {
        let cpu = Measure.cpuSeconds()
        let seconds = try await Measure.seconds {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        for index in stride(from: writer, to: batches.count, by: writers) {
                            _ = try await store.ingest(batches[index])
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let events = Double(batches.count * batchSize)
        return (events / seconds, (Measure.cpuSeconds() - cpu) * 1e6 / events)
    }

    /// The SQLite figures: store ingest of both shapes (both durabilities for the 50-series one) and the
    /// raw-insert floor.
    ///
    /// The two shapes are compared on power-loss-safe stores, three runs of each, taken in turn (fleet, then
    /// 50 series, for 1 then 4 writers) so that neither shape gets the process's warm-up or a quieter moment:
    /// the rates quoted are the medians, the ratio is that of the medians.
    static func sqlite(events: Int, directory: String) async throws -> [String] {
        var lines: [String] = []
        let shapes = [("fleet", fleetBatches(events: events)), ("easy", batches(events: events))]
        var runs: [String: [(rate: Double, cpu: Double)]] = [:]
        var floorSource = ""
        for round in 0..<3 {
            for writers in [1, 4] {
                for (shape, batches) in shapes {
                    let path = directory + "/ingest-\(shape)-\(writers)-\(round).db"
                    let store = try await SQLiteStore.open(path: path)
                    let (rate, cpu) = try await ingest(batches, into: store, writers: writers)
                    try await store.close()
                    runs["\(shape) \(writers)", default: []].append((rate, cpu))
                    if shape == "easy", writers == 1, round == 0 { floorSource = path }
                }
            }
        }
        func median(_ key: String) -> (rate: Double, cpu: Double) {
            let sorted = (runs[key] ?? []).sorted { $0.rate < $1.rate }
            return sorted.isEmpty ? (0, 0) : sorted[sorted.count / 2]
        }
        func line(_ what: String, _ key: String, writers: Int) -> String {
            let run = median(key)
            let all = (runs[key] ?? []).map { Measure.grouped($0.rate) }.joined(separator: ", ")
            return "SQLite store ingest, \(what), power-loss safe (synchronous=FULL), \(writers) writer(s): "
                + "\(Measure.grouped(run.rate)) events/s (median of \(all)), " + String(format: "%.2f", run.cpu)
                + " µs CPU per event"
        }
        for writers in [1, 4] {
            lines.append(line("1,000 series per batch", "fleet \(writers)", writers: writers))
            lines.append(line("50 series per batch", "easy \(writers)", writers: writers))
        }
        lines.append(
            "SQLite, 1,000 series per batch against 50, power-loss safe (ratio of the medians): "
                + [1, 4].map {
                    "\($0) writer(s) " + String(format: "%.2f", median("fleet \($0)").rate / median("easy \($0)").rate)
                        + "×"
                }
                .joined(separator: ", ")
        )
        for writers in [1, 4] {
            let path = directory + "/ingest-normal-\(writers).db"
            let store = try await SQLiteStore.open(path: path, sqlite: SQLiteConfiguration(durability: .processCrash))
            let (rate, cpu) = try await ingest(shapes[1].1, into: store, writers: writers)
            try await store.close()
            lines.append(
                "SQLite store ingest, 50 series per batch, process-crash safe (synchronous=NORMAL), \(writers) "
                    + "writer(s): \(Measure.grouped(rate)) events/s, " + String(format: "%.2f", cpu)
                    + " µs CPU per event"
            )
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
            // The floor binds with SQLite's C API, as the store does: the cheapest way to insert these rows.
            let handle = insert.sqliteStatement
            for row in rows {
                sqlite3_bind_int64(handle, 1, row.0)
                sqlite3_bind_int64(handle, 2, row.1)
                sqlite3_bind_double(handle, 3, row.2)
                sqlite3_bind_int64(handle, 4, row.3)
                let code = row.4.withUnsafeBytes { detail in
                    sqlite3_bind_blob(handle, 5, detail.baseAddress, Int32(detail.count), nil)
                    return sqlite3_step(handle)
                }
                sqlite3_reset(handle)
                guard code == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
            }
        }
        let elapsed = ContinuousClock.now - start
        try pool.close()
        return Double(rows.count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// The PostgreSQL figures, in a fresh schema of the database at `url`.
    static func postgres(events: Int, url: String) async throws -> [String] {
        var lines: [String] = []
        for (shape, batches) in [
            ("1,000 series per batch", fleetBatches(events: events)), ("50 series per batch", batches(events: events)),
        ] {
            for writers in [1, 4] {
                let schema = "bench_ingest_\(writers)"
                let schemaURL = url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
                try await PostgresStore.dropSchema(url: schemaURL)
                let (rate, cpu) = try await PostgresStore.withStore(url: schemaURL) { store in
                    try await ingest(batches, into: store, writers: writers)
                }
                try await PostgresStore.dropSchema(url: schemaURL)
                lines.append(
                    "PostgreSQL store ingest, \(shape), \(writers) writer(s): \(Measure.grouped(rate)) events/s, "
                        + String(format: "%.2f", cpu) + " µs CPU per event in this process (the server's not counted)"
                )
            }
        }
        return lines
    }
}
