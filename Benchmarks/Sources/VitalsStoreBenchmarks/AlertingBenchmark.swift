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

    static func rules(count: Int) throws -> [Rule] {
        let metrics = ["p95", "p50", "error_rate", "count", "avg", "max", "p99", "rate"]
        let windows = ["5m", "15m", "1h", "24h"]
        var yaml = "rules:\n"
        for index in 0..<count {
            let metric = metrics[index % metrics.count]
            let threshold: String
            switch metric {
            case "error_rate": threshold = "> \(1 + index % 5)%"
            case "count": threshold = "> \(1_000 + index)"
            case "rate": threshold = "> \(10 + index % 7)"
            default: threshold = "> \(200 + index % 900)ms"
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

    static func run(store: BucketMetricStore, label: String, end: Timestamp, cycles: Int = 10) async throws -> [String]
    {
        let rules = try rules(count: 1_000)
        let configuration = AlertingConfiguration(rules: rules, route: Route(receiver: "none"))
        let service = AlertingService(
            configuration: configuration,
            store: store,
            state: store,
            sink: CountingSink(),
            // A day on, so that a lease left by an earlier run over a kept database has lapsed.
            now: { end.adding(milliseconds: 86_400_000) }
        )
        await service.tick()  // takes the lease
        guard await service.metrics().leader else { return ["\(label): alert evaluation: the lease could not be taken"] }
        var latencies: [Double] = []
        for cycle in 0..<cycles {
            let at = end.adding(milliseconds: Double(cycle) * 1_000)
            latencies.append(try await Measure.seconds { try await service.evaluate(at: at) } * 1_000)
        }
        let alerts = try await service.alerts().count
        return [
            "\(label): alert evaluation of 1,000 rules × 100 agents (4 windows, state in the store): "
                + "p50 \(String(format: "%.0f", Measure.percentile(latencies, 0.5))) ms, "
                + "p95 \(String(format: "%.0f", Measure.percentile(latencies, 0.95))) ms over \(cycles) cycles "
                + "(\(Measure.grouped(Double(alerts))) alerts open)"
        ]
    }
}
