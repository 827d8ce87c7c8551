/// A rule file (or rule pack name) that cannot be used, with the place that is wrong.
///
/// The description is one line, `FILE:LINE:COLUMN: what was wrong, what was expected`, the form editors and
/// CI logs turn into links:
///
/// ```
/// rules.yml:7:13: unknown metric "p95x"; expected count, rate, error_rate, timeout_rate, avg, min, max, sum, pNN, …
/// ```
public struct RuleError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem this is; compare with the static members (`.unknownMetric`, …).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private init(_ description: String) { self.description = description }

        /// The text is not YAML.
        public static let yamlSyntax = Code("yaml syntax")
        /// A key that rules do not have (a typo, usually).
        public static let unknownKey = Code("unknown key")
        /// A required key is absent.
        public static let missingKey = Code("missing key")
        /// A value has the wrong shape (a list where a text was expected, …).
        public static let wrongType = Code("wrong type")
        /// The metric is not one Vitals computes.
        public static let unknownMetric = Code("unknown metric")
        /// A threshold does not read as `OPERATOR NUMBER[UNIT]`.
        public static let badThreshold = Code("bad threshold")
        /// A threshold names a unit Vitals does not know.
        public static let badUnit = Code("bad unit")
        /// A threshold's unit does not fit the metric (a percentage for a duration, …).
        public static let wrongKind = Code("threshold of the wrong kind")
        /// Two rules share a name.
        public static let duplicateName = Code("duplicate name")
        /// A label matcher is malformed (bad regular expression, unknown operator).
        public static let badMatcher = Code("bad matcher")
        /// Any other value out of its allowed range (a `window` that is not a duration, …).
        public static let badValue = Code("bad value")
        /// `--rules NAME` names neither a file nor a built-in pack.
        public static let unknownPack = Code("unknown pack")
        /// The file could not be read.
        public static let unreadable = Code("unreadable file")
        /// The file is larger than ``RuleSet/maximumFileBytes``.
        public static let tooLarge = Code("file too large")

        /// The kind in words, as the error prints it.
        public let description: String
    }

    /// The kind of problem.
    public var code: Code
    /// The file (or pack name) the rules came from.
    public var file: String
    /// 1-based line of the offending text; 0 when the problem is not at one place (an unreadable file).
    public var line: Int
    /// 1-based column of the offending text; 0 when unknown.
    public var column: Int
    /// What was wrong and what was expected.
    public var message: String

    /// Creates an error.
    public init(code: Code, file: String, line: Int, column: Int, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `FILE:LINE:COLUMN: message` (without the line and column when they are unknown).
    public var description: String {
        if line > 0 { return "\(file):\(line):\(column): \(message)" }
        return "\(file): \(message)"
    }
}
