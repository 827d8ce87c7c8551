import Foundation
import GRDB
import Vitals
import VitalsPostgres
import VitalsSQLite
import VitalsStore

/// Queries over a large history: `events` events over the last 30 days on 100 agents and 2 models, rolled up,
/// then p95 latencies of one series over 24 hours and 30 days and of stats grouped by the 100 agents over
/// 24 hours; plus bytes on disk per event and peak RSS during ingest.
enum LargeBenchmark {
    static let days: Int64 = 30
    static let runs = 100

    static func run(
        events: Int,
        store: any MetricStore,
        label: String,
        databasePath: String?,
        queriesOnly: Bool = false
    ) async throws -> [String] {
        if queriesOnly {
            // A kept database: its "now" is the end of the data, one minute after the last event.
            let last = try await store.events(
                EventQuery(range: TimeRange(from: .init(nanosecondsSinceEpoch: 0), to: .now()), limit: 1)
            )
            let end = Timestamp(
                nanosecondsSinceEpoch: BucketLevel.minute.ceiling(of: last.first?.time.nanosecondsSinceEpoch ?? 0)
            )
            var lines = try await queries(store: store, label: label, end: end)
            // `--no-alerting`: the stats queries alone (to profile them).
            if let store = store as? BucketMetricStore, !CommandLine.arguments.contains("--no-alerting") {
                lines += try await AlertingBenchmark.run(store: store, label: label, end: end)
            }
            return lines
        }
        var lines: [String] = []
        let now = BucketLevel.minute.start(of: Timestamp.now().nanosecondsSinceEpoch)
        let span = days * 86_400_000_000_000
        let first = now - span
        let batchSize = 1_000
        let batches = events / batchSize
        var workload = Workload(seed: 99, agents: 100, models: ["m1", "m2"])
        var rssAtTenth = 0.0
        let ingestSeconds = try await Measure.seconds {
            for batch in 0..<batches {
                // span × batch overflows Int64 past ~3,500 batches: step by whole nanoseconds per batch instead.
                let from = first + span / Int64(batches) * Int64(batch)
                let to = first + span / Int64(batches) * Int64(batch + 1)
                _ = try await store.ingest(workload.batch(count: batchSize, from: from, to: to))
                if batch == batches / 10 { rssAtTenth = Measure.peakRSSMiB() }
            }
        }
        let rssAtEnd = Measure.peakRSSMiB()
        lines.append(
            "\(label): ingested \(Measure.grouped(Double(events))) events over 30 days in \(String(format: "%.1f", ingestSeconds)) s "
                + "(\(Measure.grouped(Double(events) / ingestSeconds)) events/s, ~1,600 buckets touched per batch)"
        )
        lines.append(
            "\(label): peak RSS \(String(format: "%.0f", rssAtTenth)) MiB after 10 % of the events, "
                + "\(String(format: "%.0f", rssAtEnd)) MiB after all"
        )
        let rollupSeconds = try await Measure.seconds {
            _ = try await store.rollUp(now: Timestamp(nanosecondsSinceEpoch: now))
        }
        lines.append(
            "\(label): roll-up of 30 days into every coarser level: \(String(format: "%.1f", rollupSeconds)) s"
        )
        if let databasePath {
            try checkpoint(databasePath)
            let bytes = Double(Measure.databaseBytes(databasePath))
            lines.append(
                "\(label): \(String(format: "%.0f", bytes / Double(events))) bytes on disk per event (all raw events kept)"
            )
        }
        let end = Timestamp(nanosecondsSinceEpoch: now)
        lines += try await queries(store: store, label: label, end: end)
        if let store = store as? BucketMetricStore {
            lines += try await AlertingBenchmark.run(store: store, label: label, end: end)
        }
        let retention = try await store.applyRetention(now: end)
        if let databasePath {
            try vacuum(databasePath)
            let bytes = Double(Measure.databaseBytes(databasePath))
            lines.append(
                "\(label): after retention (\(Measure.grouped(Double(retention.rawEvents))) raw events older than 7 days deleted) "
                    + "and VACUUM: \(String(format: "%.0f", bytes / Double(events))) bytes per ingested event"
            )
        }
        return lines
    }

    /// p50 and p95 of the three stats queries over the range ending at `end`.
    static func queries(store: any MetricStore, label: String, end: Timestamp) async throws -> [String] {
        var lines: [String] = []
        let oneSeries: [LabelMatcher] = [.equal("agent_id", "agent-7"), .equal("model", "m1"), .equal("status", "ok")]
        let day = StatsQuery(name: "llm_call", range: .last(.seconds(86_400), endingAt: end), matchers: oneSeries)
        let month = StatsQuery(
            name: "llm_call",
            range: .last(.seconds(30 * 86_400), endingAt: end),
            matchers: oneSeries
        )
        let grouped = StatsQuery(name: "llm_call", range: .last(.seconds(86_400), endingAt: end), groupBy: ["agent_id"])
        for (name, query) in [
            ("one series, last 24 h", day), ("one series, last 30 days", month),
            ("grouped by 100 agents, last 24 h", grouped),
        ] {
            var latencies: [Double] = []
            var groups = 0
            for _ in 0..<runs {
                latencies.append(
                    try await Measure.seconds {
                        let answer = try await store.eventStats(query)
                        groups = answer.count
                        _ = answer.first?.statistics.quantile(0.95)
                    } * 1_000
                )
            }
            lines.append(
                "\(label): \(name): p50 \(String(format: "%.2f", Measure.percentile(latencies, 0.5))) ms, "
                    + "p95 \(String(format: "%.2f", Measure.percentile(latencies, 0.95))) ms (\(groups) groups, \(runs) runs)"
            )
        }
        return lines
    }

    static func sqlite(events: Int, directory: String, keep: String? = nil) async throws -> [String] {
        let path = keep ?? directory + "/large.db"
        let reuse = keep.map { FileManager.default.fileExists(atPath: $0) } ?? false
        let store = try await SQLiteStore.open(path: path)
        let lines = try await run(
            events: events,
            store: store,
            label: "SQLite",
            databasePath: reuse ? nil : path,
            queriesOnly: reuse
        )
        try await store.close()
        return lines
    }

    /// With `keep`, the schema `bench_large` stays after the run, and a later run with `keep` over it only
    /// queries.
    static func postgres(events: Int, url: String, keep: Bool = false) async throws -> [String] {
        let schemaURL = url + (url.contains("?") ? "&" : "?") + "schema=bench_large"
        if !keep { try await PostgresStore.dropSchema(url: schemaURL) }
        let lines = try await PostgresStore.withStore(url: schemaURL) { store in
            let reuse =
                try await !store.events(
                    EventQuery(range: TimeRange(from: .init(nanosecondsSinceEpoch: 0), to: .now()), limit: 1)
                ).isEmpty
            return try await run(
                events: events,
                store: store,
                label: "PostgreSQL",
                databasePath: nil,
                queriesOnly: keep && reuse
            )
        }
        if !keep { try await PostgresStore.dropSchema(url: schemaURL) }
        return lines
    }

    private static func checkpoint(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        _ = try queue.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try queue.close()
    }

    private static func vacuum(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        _ = try queue.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            return try db.checkpoint(.truncate)
        }
        try queue.close()
    }
}
