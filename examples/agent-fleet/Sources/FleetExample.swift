import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Vitals
import VitalsAlerting
import VitalsExposition
import VitalsPostgres
import VitalsRules
import VitalsSQLite
import VitalsStore

/// The agent performance tracker of the original (seed 002) on Vitals: 105 agents in three domains working through
/// job queues, their history in a store (SQLite, or PostgreSQL with a `postgres://` URL), the Prometheus exposition
/// labelled by agent, health scores and workload bands, the bottleneck table, and the daily and weekly reports.
@main
struct FleetExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vitals-example-fleet",
        abstract: "Simulate the 105-agent fleet and report on it (see examples/agent-fleet/README.md)."
    )

    @Option(help: "The store: a SQLite file, or a postgres:// URL.")
    var database = "agent-fleet.db"

    @Option(help: "Days of history to simulate, ending now.")
    var days = 7

    @Option(help: "The seed of the simulated fleet.")
    var seed: UInt64 = 2

    @Option(help: "Where the daily and weekly reports are written (Markdown).")
    var reports = "."

    @Option(
        help: """
            Then report live for this many seconds through the in-process exporter to a vitals serve on the same \
            store (stop the database meanwhile: nothing is lost).
            """
    )
    var live = 0

    func run() async throws {
        guard (1...31).contains(days) else { throw ValidationError("--days: expected 1 to 31") }
        guard (0...3_600).contains(live) else { throw ValidationError("--live: expected 0 to 3600 seconds") }
        var settings = StoreConfiguration.default
        settings.labelKeys += ["agent_domain"]
        if database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") {
            let (store, pool) = try await PostgresStore.open(url: database, configuration: settings)
            let running = Task { try await pool.run() }
            try await work(store)
            try await store.close()
            running.cancel()
        } else {
            let store = try await SQLiteStore.open(path: database, configuration: settings)
            try await work(store)
            try await store.close()
        }
    }

    private func work(_ store: any MetricStore) async throws {
        let now = Timestamp(nanosecondsSinceEpoch: BucketLevel.minute.start(of: Timestamp.now().nanosecondsSinceEpoch))
        var fleet = SimulatedFleet(seed: seed)
        let records = fleet.records(hours: days * 24, endingAt: now)
        var stored = 0
        for batch in stride(from: 0, to: records.count, by: 2_000) {
            let part = Array(records[batch..<min(batch + 2_000, records.count)])
            stored += try await store.ingest(part).accepted
        }
        _ = try await store.rollUp(now: now)
        print("history: \(stored) records of \(fleet.agents.count) agents over \(days) days in \(database)")

        // Prometheus: the last hour as /metrics shows it, every series labelled by agent.
        let exposition = ExpositionRegistry(labelKeys: SeriesKey.defaultLabelKeys + ["agent_domain"])
        let lastHour = now.adding(milliseconds: -3_600_000)
        exposition.record(
            records.filter { record in
                switch record {
                case .event(let event): return (event.end ?? lastHour) > lastHour
                case .sample(let sample): return (sample.timestamp ?? lastHour) > lastHour
                }
            }
        )
        let text = String(decoding: exposition.render(.prometheus), as: UTF8.self)
        let lines = text.split(separator: "\n").filter {
            $0.contains("agent_id=\"AGENT_007\"") && !$0.contains("_bucket")
        }
        print("\n/metrics (agent AGENT_007, the last hour):")
        for line in lines.prefix(6) { print("  " + line) }

        let rules = try RuleSet.resolve("agents").rules
        let day = TimeRange(from: now.adding(milliseconds: -86_400_000), to: now)
        let week = TimeRange(from: now.adding(milliseconds: -Double(days) * 86_400_000), to: now)
        var options = ReportOptions()
        options.title = "Agent fleet, daily report"
        let daily = try await StoreAnalysis.report(rules, store: store, range: day, options: options)
        options.title = "Agent fleet, weekly report"
        let weekly = try await StoreAnalysis.report(rules, store: store, range: week, options: options)
        try daily.render(.markdown).write(toFile: reports + "/fleet-daily.md", atomically: true, encoding: .utf8)
        try weekly.render(.markdown).write(toFile: reports + "/fleet-weekly.md", atomically: true, encoding: .utf8)

        // The daily report's head: the fleet at a glance, the top and bottom agents, the bottleneck table.
        let body = daily.render(.text)
        let head = body.components(separatedBy: "\nContract compliance\n").first ?? body
        print("\n" + head)
        print("reports: \(reports)/fleet-daily.md, \(reports)/fleet-weekly.md (all \(fleet.agents.count) agents)")
        if live > 0 {
            let reporting = LiveReporting(seconds: live, store: store, logger: Logger(label: "fleet"))
            print(try await reporting.run(fleet: &fleet, after: now))
        }
    }
}
