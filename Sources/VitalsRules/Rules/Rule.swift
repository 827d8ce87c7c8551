public import Vitals

/// How serious a crossed threshold is, from least to most: `warn`, `medium`, `high`, `critical`.
public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// Worth a look.
    case warn
    /// Degraded.
    case medium
    /// Needs attention soon.
    case high
    /// Needs attention now.
    case critical

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public var description: String { rawValue }
}

/// Where a rule was written: file (or pack name), line and column of its first key.
public struct RuleLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file path or pack name.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// One performance contract, invariant or alert condition: a metric over the events (or gauge samples) that a
/// matcher selects, optionally per group, with a ladder of thresholds by severity.
///
/// Rules are usually read from YAML (`RuleSet(yaml:file:)`); see that type for the file format.
public struct Rule: Sendable, Hashable {
    /// Unique name within the rules evaluated together.
    public var name: String
    /// What the rule guards, for people.
    public var description: String?
    /// Events or gauge samples.
    public var source: SeriesKind
    /// The condition on the event or gauge name (key `event` or `gauge`).
    public var nameMatcher: LabelMatcher
    /// Conditions on labels and attributes; all must hold.
    public var matchers: [LabelMatcher]
    /// Labels whose values split the data into groups evaluated separately; empty for one group.
    public var groupBy: [String]
    /// What is measured.
    public var metric: Metric
    /// Violating conditions by severity, least severe first.
    public var thresholds: [(severity: Severity, threshold: Threshold)]
    /// Whether a violation blocks production (`vitals check` exits 1).
    public var blocking: Bool
    /// Whether matching no data at all is itself a violation (at the rule's highest severity).
    public var requireData: Bool
    /// The window the rule looks at over stored data, in milliseconds; files are evaluated whole.
    public var windowMilliseconds: Double?
    /// How long a condition must hold before a live alert fires, in milliseconds (key `for`).
    public var pendingMilliseconds: Double?
    /// How long a live alert keeps firing after its condition stops holding, in milliseconds (key
    /// `keep_firing_for`), so that a flapping value does not resolve and fire again at every evaluation.
    public var keepFiringMilliseconds: Double?
    /// What to do about a violation.
    public var recommendation: String?
    /// Where the rule was written.
    public var location: RuleLocation

    /// Creates a rule. Thresholds are sorted by severity.
    public init(
        name: String,
        description: String? = nil,
        source: SeriesKind = .event,
        nameMatcher: LabelMatcher,
        matchers: [LabelMatcher] = [],
        groupBy: [String] = [],
        metric: Metric,
        thresholds: [(severity: Severity, threshold: Threshold)],
        blocking: Bool = false,
        requireData: Bool = false,
        windowMilliseconds: Double? = nil,
        pendingMilliseconds: Double? = nil,
        keepFiringMilliseconds: Double? = nil,
        recommendation: String? = nil,
        location: RuleLocation = RuleLocation(file: "<memory>", line: 0, column: 0)
    ) {
        self.name = name
        self.description = description
        self.source = source
        self.nameMatcher = nameMatcher
        self.matchers = matchers
        self.groupBy = groupBy
        self.metric = metric
        self.thresholds = thresholds.sorted { $0.severity < $1.severity }
        self.blocking = blocking
        self.requireData = requireData
        self.windowMilliseconds = windowMilliseconds
        self.pendingMilliseconds = pendingMilliseconds
        self.keepFiringMilliseconds = keepFiringMilliseconds
        self.recommendation = recommendation
        self.location = location
    }

    /// What the metric's values measure (durations, ratios, …) for this rule's source.
    public var valueKind: ValueKind { metric.kind(gaugeName: gaugeName) }

    /// The gauge name when the rule reads one exact gauge (its unit suffix gives the value's unit).
    var gaugeName: String? { source == .gauge ? nameMatcher.exactValue ?? "" : nil }

    /// The most severe threshold `value` crosses, if any.
    public func crossed(by value: Double) -> (severity: Severity, threshold: Threshold)? {
        thresholds.last { $0.threshold.isViolated(by: value) }
    }

    /// The highest severity the rule can report.
    public var highestSeverity: Severity { thresholds.last?.severity ?? .critical }

    public static func == (lhs: Rule, rhs: Rule) -> Bool {
        lhs.name == rhs.name && lhs.description == rhs.description && lhs.source == rhs.source
            && lhs.nameMatcher == rhs.nameMatcher && lhs.matchers == rhs.matchers && lhs.groupBy == rhs.groupBy
            && lhs.metric == rhs.metric && lhs.thresholds.map(\.severity) == rhs.thresholds.map(\.severity)
            && lhs.thresholds.map(\.threshold) == rhs.thresholds.map(\.threshold) && lhs.blocking == rhs.blocking
            && lhs.requireData == rhs.requireData && lhs.windowMilliseconds == rhs.windowMilliseconds
            && lhs.pendingMilliseconds == rhs.pendingMilliseconds
            && lhs.keepFiringMilliseconds == rhs.keepFiringMilliseconds && lhs.recommendation == rhs.recommendation
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(metric)
    }
}
