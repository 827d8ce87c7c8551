import Vitals
import VitalsRules

/// What `vitals bench` prints: the runs' success rate and quantiles, and the tier's verdict.
struct BenchReport {
    let settings: BenchSettings
    let events: [Event]
    let statistics: EventStatistics
    /// The tier's rule results, when a tier was given.
    let results: [RuleResult]

    init(settings: BenchSettings, events: [Event]) {
        self.settings = settings
        self.events = events
        var statistics = EventStatistics()
        for event in events { statistics.add(durationMilliseconds: event.durationMilliseconds, status: event.status) }
        self.statistics = statistics
        var evaluator = RuleEvaluator(rules: settings.tier?.rules ?? [])
        for event in events { evaluator.add(.event(event)) }
        results = settings.tier == nil ? [] : evaluator.results()
    }

    /// `5s`, `1.5s` or `250ms`.
    static func text(_ duration: Duration) -> String {
        let parts = duration.components
        let milliseconds = Double(parts.seconds) * 1_000 + Double(parts.attoseconds) / 1e15
        func trimmed(_ value: Double) -> String {
            var text = TextFormatting.fixed(value, decimals: 3)
            while text.contains("."), text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text
        }
        return milliseconds >= 1_000 ? trimmed(milliseconds / 1_000) + "s" : trimmed(milliseconds) + "ms"
    }

    var failures: Int { events.filter { $0.status != .ok }.count }

    /// Violations that miss the tier: latency above its range, a call past its timeout. A median below the range
    /// (a warning that the tool may belong to a lower tier) does not.
    var misses: [RuleResult] { results.filter { $0.status == .violated && ($0.severity ?? .warn) >= .high } }

    var passed: Bool { failures == 0 && misses.isEmpty }

    func text(output: String?) -> String {
        let count = events.count
        var lines = [
            "vitals bench: \(count) runs of \(settings.target.description) as tool_call tool=\(settings.name)"
                + (settings.tier.map { " tier=\($0.number)" } ?? "")
                + ", concurrency \(settings.concurrency), timeout \(Self.text(settings.timeout))"
        ]
        let succeeded = count - failures
        let rate = count == 0 ? 0 : Double(succeeded) / Double(count) * 100
        lines.append("  succeeded  \(succeeded)/\(count) (\(TextFormatting.fixed(rate, decimals: 1))%)")
        let timeouts = events.filter { $0.status == .timeout }.count
        if failures > 0 {
            let first = events.first { $0.status != .ok }
            let reason = first.flatMap(\.error).map { "; first: \($0)" } ?? ""
            lines.append("  failed     \(failures) (\(timeouts) timed out)\(reason)")
        }
        let sketch = statistics.durations
        func quantile(_ q: Double) -> String { sketch.quantile(q).map(TextFormatting.milliseconds) ?? "-" }
        lines.append(
            "  latency    p50 \(quantile(0.5))  p95 \(quantile(0.95))  p99 \(quantile(0.99))"
                + "  min \(sketch.min.map(TextFormatting.milliseconds) ?? "-")"
                + "  max \(sketch.max.map(TextFormatting.milliseconds) ?? "-")"
        )
        if let tier = settings.tier {
            let verdict = misses.isEmpty ? "met" : "MISSED"
            lines.append(
                "  tier \(tier.number)     p95 under \(TextFormatting.milliseconds(tier.latencyCeilingMilliseconds)), "
                    + "no call past \(Self.text(tier.timeout)): \(verdict)"
            )
            for result in results where result.status == .violated {
                let label = (result.severity ?? .warn) >= .high ? "miss" : "note"
                lines.append(
                    "    \(label): \(result.rule.name) \(result.valueText) (\(result.thresholdsText))"
                        + (result.rule.recommendation.map { "; \($0)" } ?? "")
                )
            }
        }
        if let output {
            lines.append("events: \(output) (a baseline: vitals compare \(output) NEW.jsonl)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
