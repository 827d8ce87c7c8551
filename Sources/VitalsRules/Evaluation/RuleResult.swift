public import Vitals

/// The outcome of one rule for one group.
///
/// A group that crossed thresholds reports the most severe one. A rule that matched no data at all reports one
/// result with an empty group and status `noData` — or `violated` when the rule says `require_data: true`.
public struct RuleResult: Sendable, Hashable {
    /// Passed, violated, or nothing to measure.
    public enum Status: String, Sendable, Hashable {
        /// No threshold crossed.
        case passed
        /// A threshold crossed (or required data missing).
        case violated
        /// Nothing matched the rule.
        case noData = "no data"
    }

    /// The rule.
    public var rule: Rule
    /// The values of the rule's `by` labels for this group (empty without `by`).
    public var group: Labels
    /// The metric's value in the canonical unit of its kind (ms, fraction, bytes, number); `nil` without data.
    public var value: Double?
    /// The outcome.
    public var status: Status
    /// The most severe severity crossed; for a `require_data` violation, the rule's highest severity.
    public var severity: Severity?
    /// The threshold of that severity.
    public var threshold: Threshold?
    /// Notes on how the value was obtained (a capped distinct count, missing required data).
    public var note: String?

    /// Creates a result.
    public init(
        rule: Rule,
        group: Labels = [:],
        value: Double?,
        status: Status,
        severity: Severity? = nil,
        threshold: Threshold? = nil,
        note: String? = nil
    ) {
        self.rule = rule
        self.group = group
        self.value = value
        self.status = status
        self.severity = severity
        self.threshold = threshold
        self.note = note
    }

    /// Whether this is a violation of a blocking rule.
    public var isBlocking: Bool { status == .violated && rule.blocking }

    /// The group as `agent_id=AGENT_54 model=x`, or `-` for a rule without `by`.
    public var groupText: String {
        group.isEmpty ? "-" : group.map { "\($0.key)=\($0.value.isEmpty ? "(none)" : $0.value)" }.joined(separator: " ")
    }

    /// The value in the unit of the threshold it is compared with (`3.2s`, `12.5%`), or `no data`.
    public var valueText: String {
        guard let value else { return "no data" }
        let reference = threshold ?? rule.thresholds.last?.threshold
        return reference?.format(value, kind: rule.valueKind) ?? NumberText.value(value, kind: rule.valueKind)
    }

    /// The thresholds of the rule as `medium > 5%, critical > 20%`.
    public var thresholdsText: String {
        rule.thresholds.map { "\($0.severity) \($0.threshold)" }.joined(separator: ", ")
    }

    /// How far beyond its threshold the value is, as a fraction of the threshold (0 when passed).
    public var excess: Double {
        guard status == .violated, let value, let threshold else { return 0 }
        return threshold.excess(of: value)
    }
}
