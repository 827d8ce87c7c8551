/// The outcome of `vitals check`: every rule result, the violations, and the production verdict.
///
/// Production is ready when no blocking rule is violated; non-blocking violations are reported but do not
/// change the verdict or the exit status.
///
/// ```swift
/// let report = CheckReport(results: evaluator.results(), eventCount: evaluator.eventCount)
/// print(report.render(.text))
/// exit(report.exitStatus)   // 0 ready, 1 blocked
/// ```
public struct CheckReport: Sendable {
    /// Every result, in rule order.
    public var results: [RuleResult]
    /// Events the rules were evaluated over.
    public var eventCount: UInt64
    /// Gauge samples the rules were evaluated over.
    public var sampleCount: UInt64

    /// Creates a report.
    public init(results: [RuleResult], eventCount: UInt64 = 0, sampleCount: UInt64 = 0) {
        self.results = results
        self.eventCount = eventCount
        self.sampleCount = sampleCount
    }

    /// Violated results, most severe first (then blocking first, then rule order).
    public var violations: [RuleResult] {
        let violated = results.enumerated().filter { $0.element.status == .violated }
        return violated.sorted { a, b in
            let (left, right) = (a.element, b.element)
            if left.severity != right.severity { return (left.severity ?? .warn) > (right.severity ?? .warn) }
            if left.isBlocking != right.isBlocking { return left.isBlocking }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// Violations of blocking rules.
    public var blockingViolations: [RuleResult] { violations.filter(\.isBlocking) }

    /// Whether some rule was evaluated over data: a verdict without one says "no data", never "production ready".
    public var hasData: Bool { results.contains { $0.status != .noData } }

    /// Whether rules were evaluated over data and nothing blocking is violated.
    public var passed: Bool { hasData && !results.contains(where: \.isBlocking) }

    /// Rules that matched no data (and do not require it).
    public var noDataRules: [String] { results.filter { $0.status == .noData }.map(\.rule.name) }

    /// `production ready`, `blocked by N violation(s)`, or `no data` when no rule matched any event or sample.
    public var verdict: String {
        let blocking = blockingViolations.count
        if !hasData { return "no data (no rule matched any event or gauge sample)" }
        if blocking == 0 { return "production ready" }
        return "blocked by \(blocking) violation\(blocking == 1 ? "" : "s")"
    }

    /// 0 when rules were evaluated and nothing blocking is violated, 1 otherwise (bad input, status 2, is the caller's to report).
    public var exitStatus: Int32 { passed ? 0 : 1 }

    /// The report in one of the output formats.
    public func render(_ format: CheckFormat) -> String {
        switch format {
        case .text: return renderText()
        case .markdown: return renderMarkdown()
        case .json: return renderJSON()
        case .junit: return renderJUnit()
        }
    }

    /// The counts line: `9 rules: 6 passed, 2 violated (1 blocking), 1 no data`.
    var countsLine: String {
        let ruleCount = Set(results.map(\.rule.name)).count
        let passedCount = results.filter { $0.status == .passed }.count
        let violated = violations.count
        let blocking = blockingViolations.count
        let noData = results.filter { $0.status == .noData }.count
        return
            "\(ruleCount) rule\(ruleCount == 1 ? "" : "s"), \(results.count) result\(results.count == 1 ? "" : "s"): "
            + "\(passedCount) passed, \(violated) violated (\(blocking) blocking), \(noData) no data"
    }
}

/// An output format of `vitals check`.
public enum CheckFormat: String, Sendable, CaseIterable {
    /// Violations, counts and the verdict line.
    case text
    /// A verdict heading and tables.
    case markdown
    /// `passed`, `violations` and every result.
    case json
    /// JUnit XML: a test case per rule and group.
    case junit
}
