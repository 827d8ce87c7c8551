public import Vitals

/// One thing slowing a system down: an operation that takes a large share of the time, or a rule violation
/// (an agent with a high error rate, a stage over its contract).
public struct Bottleneck: Sendable, Hashable {
    /// An operation, or a rule and its group (`agent-error-rate [agent_id=AGENT_54]`).
    public var subject: String
    /// What is wrong: `3.5s max, threshold > 3s` or `41% of all time`.
    public var issue: String
    /// The most severe violated severity; `nil` for an operation that is only large.
    public var severity: Severity?
    /// Share of all event time the operation takes, 0…1 (`nil` for violations not tied to an operation).
    public var shareOfTime: Double?
    /// How far beyond its threshold the worst violation is, as a fraction of the threshold.
    public var excess: Double
    /// What to do.
    public var recommendation: String
    /// Time a fix could save, in milliseconds (see `BottleneckAnalysis`), `nil` when not a matter of time.
    public var estimatedGainMilliseconds: Double?
}

/// One step of an optimization plan.
public struct OptimizationStep: Sendable, Hashable {
    /// 1-based order.
    public var rank: Int
    /// The operation.
    public var subject: String
    /// What to do.
    public var action: String
    /// Time saved if it succeeds, in milliseconds.
    public var estimatedGainMilliseconds: Double
    /// That gain as a share of all event time.
    public var shareOfTotal: Double
    /// The severity of the problem it fixes, if a rule is violated.
    public var severity: Severity?
}

/// Ranks bottlenecks and orders an optimization plan.
///
/// - Operations are ranked by share of total event time; one is a bottleneck when it takes at least
///   `minimumShare` (10 %) of the time or violates a rule about it.
/// - Violations are ranked by severity, then by excess over their threshold.
/// - The estimated gain of fixing an operation is its time above its median: `total − count × median`, what
///   would be saved if every call were as fast as a typical one. It is an upper bound of what tuning the
///   tail can give, and it ranks the plan.
///
/// ```swift
/// let ranked = BottleneckAnalysis.bottlenecks(operations: summary.operations, results: results)
/// let plan = BottleneckAnalysis.plan(operations: summary.operations, results: results)
/// ```
public enum BottleneckAnalysis {
    /// Operations below this share of time are not bottlenecks unless a rule about them is violated.
    public static let minimumShare = 0.10

    /// Bottlenecks, most serious first, at most `limit`.
    public static func bottlenecks(
        operations: [EventSummary.GroupKey: EventStatistics],
        results: [RuleResult],
        limit: Int = 20
    ) -> [Bottleneck] {
        let total = operations.values.map(\.totalMilliseconds).reduce(0, +)
        let violations = results.filter { $0.status == .violated }
        var items: [Bottleneck] = []
        for violation in violations {
            let operation = violation.rule.source == .event ? violation.rule.nameMatcher.exactValue : nil
            // A grouped violation (per agent, per tool) is about part of the operation: its share is unknown.
            let aggregate =
                violation.group.isEmpty
                ? operation.flatMap { name in operations.first { $0.key.name == name }?.value } : nil
            let subject = violation.rule.name + (violation.group.isEmpty ? "" : " [\(violation.groupText)]")
            items.append(
                Bottleneck(
                    subject: subject,
                    issue:
                        "\(violation.rule.metric) \(violation.valueText), threshold \(violation.threshold?.text ?? "-")",
                    severity: violation.severity,
                    shareOfTime: aggregate.map { total > 0 ? $0.totalMilliseconds / total : 0 },
                    excess: violation.excess,
                    recommendation: violation.rule.recommendation ?? "Investigate \(violation.rule.name).",
                    estimatedGainMilliseconds: violation.rule.valueKind == .duration ? aggregate.map(tailTime) : nil
                )
            )
        }
        let violatedOperations = Set(violations.compactMap { $0.rule.nameMatcher.exactValue })
        for (key, aggregate) in operations where total > 0 {
            let share = aggregate.totalMilliseconds / total
            guard share >= minimumShare, !violatedOperations.contains(key.name) else { continue }
            let name = operationName(key)
            items.append(
                Bottleneck(
                    subject: name,
                    issue: "\(NumberText.format(share * 100, decimals: 1))% of all time "
                        + "(\(aggregate.count) calls, avg \(NumberText.duration(milliseconds: aggregate.meanMilliseconds ?? 0)))",
                    severity: nil,
                    shareOfTime: share,
                    excess: 0,
                    recommendation: "Profile \(name): it takes the largest share of time; "
                        + "cache or batch its work, or run it in parallel.",
                    estimatedGainMilliseconds: tailTime(aggregate)
                )
            )
        }
        items.sort { a, b in
            if a.severity != b.severity {
                return (a.severity.map { $0.rank } ?? -1) > (b.severity.map { $0.rank } ?? -1)
            }
            if a.excess != b.excess { return a.excess > b.excess }
            if a.shareOfTime != b.shareOfTime { return (a.shareOfTime ?? 0) > (b.shareOfTime ?? 0) }
            return a.subject < b.subject
        }
        return Array(items.prefix(limit))
    }

    /// An optimization plan: one step per operation worth tuning, largest estimated gain first.
    public static func plan(
        operations: [EventSummary.GroupKey: EventStatistics],
        results: [RuleResult],
        limit: Int = 10
    ) -> [OptimizationStep] {
        let total = operations.values.map(\.totalMilliseconds).reduce(0, +)
        guard total > 0 else { return [] }
        var steps: [OptimizationStep] = []
        for (key, aggregate) in operations {
            let gain = tailTime(aggregate)
            guard gain > 0 else { continue }
            // Only duration rules say something about where the time goes.
            let violated = results.filter {
                $0.status == .violated && $0.rule.source == .event && $0.rule.nameMatcher.exactValue == key.name
                    && $0.rule.valueKind == .duration
            }
            let worst = violated.max { ($0.severity?.rank ?? -1) < ($1.severity?.rank ?? -1) }
            let share = aggregate.totalMilliseconds / total
            guard worst != nil || share >= minimumShare else { continue }
            steps.append(
                OptimizationStep(
                    rank: 0,
                    subject: operationName(key),
                    action: worst?.rule.recommendation
                        ?? "Cut the slow tail of \(operationName(key)) (p95 "
                        + "\(NumberText.duration(milliseconds: aggregate.durations.quantile(0.95) ?? 0)) vs median "
                        + "\(NumberText.duration(milliseconds: aggregate.durations.quantile(0.5) ?? 0))).",
                    estimatedGainMilliseconds: gain,
                    shareOfTotal: gain / total,
                    severity: worst?.severity
                )
            )
        }
        steps.sort {
            $0.estimatedGainMilliseconds != $1.estimatedGainMilliseconds
                ? $0.estimatedGainMilliseconds > $1.estimatedGainMilliseconds : $0.subject < $1.subject
        }
        return steps.prefix(limit).enumerated().map { index, step in
            var ranked = step
            ranked.rank = index + 1
            return ranked
        }
    }

    /// Time above the median: `total − count × median` (never negative).
    static func tailTime(_ aggregate: EventStatistics) -> Double {
        guard let median = aggregate.durations.quantile(0.5) else { return 0 }
        return max(0, aggregate.totalMilliseconds - Double(aggregate.count) * median)
    }

    static func operationName(_ key: EventSummary.GroupKey) -> String {
        key.labelValues.isEmpty ? key.name : "\(key.name) [\(key.labelValues.joined(separator: ", "))]"
    }
}

extension Severity {
    /// 0 for warn … 3 for critical.
    var rank: Int { Severity.allCases.firstIndex(of: self)! }
}
