import Foundation
import Vitals
import VitalsAlerting
import VitalsRules
import VitalsStore

/// One evaluation cycle of the alerting service: 1,000 rules, each grouped by the 100 agents, over four windows
/// (5 m, 15 m, 1 h, 24 h) of the large store, with the alerts' state written back to the same store.
enum AlertingBenchmark {
    /// Notifications are counted, not sent.
    final class CountingSink: NotificationSink {
        func enqueue(_ notifications: [AlertNotification]) async throws {}
    }

    /// `count` rules over the workload's `llm_call` events. `storm`: thresholds inside the data's range, so that
    /// most groups violate (an alert storm, ~60,000 alerts); else thresholds past it, so that few do (the noise
    /// of small windows: a handful of events with one failure).
    static func rules(count: Int, storm: Bool) throws -> [Rule] {
        let metrics = ["p95", "p50", "error_rate", "count", "avg", "max", "p99", "rate"]
        let windows = ["5m", "15m", "1h", "24h"]
        var yaml = "rules:\n"
        for index in 0..<count {
            let metric = metrics[index % metrics.count]
            let threshold: String
            switch (metric, storm) {
            case ("error_rate", true): threshold = "> \(1 + index % 5)%"
            case ("error_rate", false): threshold = "> \(25 + index % 5)%"
            case ("count", true): threshold = "> \(1_000 + index)"
            case ("count", false): threshold = "> \(100_000 + index)"
            case ("rate", true): threshold = "> \(10 + index % 7)"
            case ("rate", false): threshold = "> \(1_000 + index % 7)"
            case (_, true): threshold = "> \(200 + index % 900)ms"
            case (_, false): threshold = "> \(2_000 + index % 900)ms"
            }
            yaml += """
                  - name: rule-\(index)
                    match: {event: llm_call, model: m\(1 + index % 2)}
                    by: agent_id
                    metric: \(metric)
                    thresholds: {warn: "\(threshold)"}
                    window: \(windows[index % windows.count])
                    for: 1m

                """
        }
        return try RuleSet(yaml: yaml, file: "benchmark-rules.yml").rules
    }

    static func run(store: BucketMetricStore, label: String, end: Timestamp) async throws -> [String] {
        try await run(store: store, label: label, end: end, storm: false)
            + run(store: store, label: label, end: end, storm: true)
    }

    static func run(
        store: BucketMetricStore,
        label: String,
        end: Timestamp,
        storm: Bool,
        cycles: Int = 10
    ) async throws -> [String] {
        let rules = try rules(count: 1_000, storm: storm)
        let configuration = AlertingConfiguration(rules: rules, route: Route(receiver: "none"))
        // A kept database holds the alerts of the last run: each run starts from none, as a first evaluation does.
        for kind in ["alert", "notification-group"] {
            let keys = try await store.loadState(kind: kind).map(\.key)
            try await store.deleteState(kind: kind, keys: keys)
        }
        let service = AlertingService(
            configuration: configuration,
            store: store,
            state: store,
            sink: CountingSink(),
            // The lease runs on the wall clock, so that the one left by an earlier run over a kept database has
            // lapsed; the evaluations run at the data's instants.
            now: { Timestamp.now() }
        )
        await service.tick()  // takes the lease
        guard await service.metrics().leader else {
            return ["\(label): alert evaluation: the lease could not be taken"]
        }
        // A minute apart, as with the default interval: the first evaluation opens the alerts (pending), the second
        // fires them (`for: 1m`), the others mostly take new readings.
        var latencies: [Double] = []
        for cycle in 0..<(cycles + 2) {
            let at = end.adding(milliseconds: -Double(cycles + 1 - cycle) * 60_000)  // the last one at the data's end
            latencies.append(try await Measure.seconds { try await service.evaluate(at: at) } * 1_000)
        }
        let alerts = try await service.alerts().filter { $0.alert.state != .resolved }.count
        try await store.releaseLease(name: "alerting", holder: service.instance)
        // The last cycle's reading of each window (rules are evaluated window by window).
        var windows: [String: Double] = [:]
        for status in await service.ruleStatuses() {
            windows[String(format: "%.0fm", (status.rule.windowMilliseconds ?? 0) / 60_000)] =
                status.durationMilliseconds
        }
        let steady = Array(latencies.dropFirst(2))
        func milliseconds(_ value: Double) -> String { String(format: "%.0f ms", value) }
        return [
            "\(label): alert evaluation of 1,000 rules × 100 agents (4 windows, state in the store), "
                + (storm ? "alert storm, " : "calm fleet, ")
                + "\(Measure.grouped(Double(alerts))) alerts open at the end: first \(milliseconds(latencies[0])) (opens them), "
                + "second \(milliseconds(latencies[1])) (they fire), then p50 "
                + "\(milliseconds(Measure.percentile(steady, 0.5))), p95 \(milliseconds(Measure.percentile(steady, 0.95))) "
                + "over \(cycles) cycles; the last one's reads: "
                + windows.sorted { $0.value < $1.value }.map { "\($0.key) \(milliseconds($0.value))" }.joined(
                    separator: ", "
                )
        ]
    }
}
