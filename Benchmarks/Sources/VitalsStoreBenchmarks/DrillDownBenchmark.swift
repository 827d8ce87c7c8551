import Foundation
import Vitals
import VitalsPostgres
import VitalsSQLite
import VitalsStore

/// Drill-down and grouped stats over the last 24 hours of the large store's workload: the slowest 20 events of
/// `llm_call` (all 400 series, and the 4 series of one agent), the newest 20 failed events (of `llm_call`, and of
/// every name), and the stats of `llm_call` grouped by the 100 agents; p50 and p95 of each.
///
/// The store holds what the large benchmark's store holds once its 7-day raw retention has run: the last 7 days
/// of the same seeded workload (10M events over 30 days, so 2.33M raw events), rolled up, minute buckets older
/// than 48 hours deleted. An existing store (`--keep PATH` for SQLite, `--keep` for PostgreSQL) is only queried:
/// a copy of the large benchmark's kept file (`large --keep`) serves as well.
enum DrillDownBenchmark {
    /// Runs per query (`--runs N`).
    static let runs: Int = {
        let arguments = CommandLine.arguments
        guard let index = arguments.firstIndex(of: "--runs"), index + 1 < arguments.endIndex else { return 100 }
        return max(1, Int(arguments[index + 1]) ?? 100)
    }()
    static let keptDays: Int64 = 7

    static func sqlite(events: Int, directory: String, keep: String?) async throws -> [String] {
        let path = keep ?? directory + "/drill.db"
        let store = try await SQLiteStore.open(path: path)
        var lines: [String] = []
        do {
            lines = try await run(events: events, store: store, label: "SQLite")
        } catch {
            try await store.close()
            throw error
        }
        try await store.close()
        return lines
    }

    /// With `keep`, the schema `bench_drill` stays after the run, and a later run with `keep` only queries it.
    static func postgres(events: Int, url: String, keep: Bool) async throws -> [String] {
        let schemaURL = url + (url.contains("?") ? "&" : "?") + "schema=bench_drill"
        if !keep { try await PostgresStore.dropSchema(url: schemaURL) }
        let lines = try await PostgresStore.withStore(url: schemaURL) { store in
            try await run(events: events, store: store, label: "PostgreSQL")
        }
        if !keep { try await PostgresStore.dropSchema(url: schemaURL) }
        return lines
    }

    static func run(events: Int, store: any MetricStore, label: String) async throws -> [String] {
        var lines: [String] = []
        var end = try await dataEnd(store)
        if end == nil {
            let (seconds, stored, now) = try await fill(events: events, store: store)
            lines.append(
                "\(label): stored the last \(keptDays) days of \(Measure.grouped(Double(events))) events over "
                    + "\(LargeBenchmark.days) days (\(Measure.grouped(Double(stored))) events) with roll-up and "
                    + "retention in \(String(format: "%.1f", seconds)) s"
            )
            end = Timestamp(nanosecondsSinceEpoch: now)
        }
        guard let end else { return lines }
        return lines + (try await queries(store: store, label: label, end: end))
    }

    /// The end of a stored workload (one minute after its last event), `nil` when the store is empty.
    static func dataEnd(_ store: any MetricStore) async throws -> Timestamp? {
        let last = try await store.events(
            EventQuery(range: TimeRange(from: .init(nanosecondsSinceEpoch: 0), to: .now()), limit: 1)
        )
        return last.first.map {
            Timestamp(nanosecondsSinceEpoch: BucketLevel.minute.ceiling(of: $0.time.nanosecondsSinceEpoch))
        }
    }

    /// Ingests the batches of the large benchmark's workload that end in its last `keptDays` days (every batch is
    /// generated, so the seeded data is the same), rolls up and applies retention at the workload's end.
    static func fill(events: Int, store: any MetricStore) async throws -> (seconds: Double, stored: Int, now: Int64) {
        let now = BucketLevel.minute.start(of: Timestamp.now().nanosecondsSinceEpoch)
        let span = LargeBenchmark.days * 86_400_000_000_000
        let first = now - span
        let keptFrom = now - keptDays * 86_400_000_000_000
        let batchSize = 1_000
        let batches = events / batchSize
        var workload = Workload(seed: 99, agents: 100, models: ["m1", "m2"])
        var stored = 0
        let seconds = try await Measure.seconds {
            for batch in 0..<batches {
                let from = first + span / Int64(batches) * Int64(batch)
                let to = first + span / Int64(batches) * Int64(batch + 1)
                let records = workload.batch(count: batchSize, from: from, to: to)
                guard to > keptFrom else { continue }
                _ = try await store.ingest(records)
                stored += records.count
            }
            _ = try await store.rollUp(now: Timestamp(nanosecondsSinceEpoch: now))
            _ = try await store.applyRetention(now: Timestamp(nanosecondsSinceEpoch: now))
        }
        return (seconds, stored, now)
    }

    static func queries(store: any MetricStore, label: String, end: Timestamp) async throws -> [String] {
        let day = TimeRange.last(.seconds(86_400), endingAt: end)
        let agent: [LabelMatcher] = [.equal("agent_id", "agent-7")]
        let drills: [(String, EventQuery)] = [
            ("slowest 20 of llm_call", EventQuery(name: "llm_call", range: day, order: .slowestFirst, limit: 20)),
            (
                "slowest 20 of llm_call, one agent",
                EventQuery(name: "llm_call", range: day, matchers: agent, order: .slowestFirst, limit: 20)
            ),
            (
                "newest 20 failed of llm_call",
                EventQuery(name: "llm_call", range: day, failedOnly: true, order: .newestFirst, limit: 20)
            ),
            ("newest 20 failed, any name", EventQuery(range: day, failedOnly: true, order: .newestFirst, limit: 20)),
        ]
        var lines: [String] = []
        for (name, query) in drills {
            var found = 0
            let latencies = try await measure {
                found = try await store.events(query).count
            }
            lines.append(line(label, name + ", last 24 h", latencies, "\(found) events"))
        }
        // The same over every raw event kept (the whole retention window): with `--large-events 43000000` the
        // store holds 10M of them.
        let kept = TimeRange.last(.seconds(keptDays * 86_400), endingAt: end)
        let everything: [(String, EventQuery)] = [
            ("slowest 20 of llm_call", EventQuery(name: "llm_call", range: kept, order: .slowestFirst, limit: 20)),
            ("newest 20 failed, any name", EventQuery(range: kept, failedOnly: true, order: .newestFirst, limit: 20)),
            ("newest 20 failed of llm_call", EventQuery(name: "llm_call", range: kept, failedOnly: true, limit: 20)),
        ]
        for (name, query) in everything {
            var found = 0
            let latencies = try await measure {
                found = try await store.events(query).count
            }
            lines.append(line(label, name + ", last \(keptDays) days", latencies, "\(found) events"))
        }
        let grouped = StatsQuery(name: "llm_call", range: day, groupBy: ["agent_id"])
        var groups = 0
        let latencies = try await measure {
            let answer = try await store.eventStats(grouped)
            groups = answer.count
            _ = answer.first?.statistics.quantile(0.95)
        }
        lines.append(line(label, "stats of llm_call grouped by agent_id, last 24 h", latencies, "\(groups) groups"))
        return lines
    }

    /// Latencies in milliseconds of `runs` runs, after one unmeasured run (the first read of the pages).
    private static func measure(_ body: () async throws -> Void) async throws -> [Double] {
        try await body()
        var latencies: [Double] = []
        for _ in 0..<runs { latencies.append(try await Measure.seconds(body) * 1_000) }
        return latencies
    }

    private static func line(_ label: String, _ name: String, _ latencies: [Double], _ answer: String) -> String {
        "\(label): \(name): p50 \(String(format: "%.2f", Measure.percentile(latencies, 0.5))) ms, "
            + "p95 \(String(format: "%.2f", Measure.percentile(latencies, 0.95))) ms (\(answer), \(runs) runs)"
    }
}
