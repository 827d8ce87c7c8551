/// A condition on one label (or attribute) of an event, a gauge sample or a series, or on the event or gauge
/// name itself: the one matcher of every module (rule files, store queries, `/v1` query parameters, silences).
///
/// An absent label reads as the empty string, so `notEqual("model", "x")` keeps values without the label and
/// `equal("tool", "")` selects them. Regular expressions must match the whole value and run in time linear in
/// the value (``LinearPattern``: classes, groups, alternation, quantifiers; no back-references or
/// look-arounds); they are compiled when the matcher is made, so a matcher that exists is valid.
///
/// A matcher prints as `key="value"`, `key!="value"`, `key=~"pattern"`, `key!~"pattern"`,
/// `key in ["a", "b"]` or `key not in ["a", "b"]` (values quoted, `"` and `\` escaped with `\`), and
/// ``init(parsing:)`` reads that form back.
///
/// ```swift
/// let model = try LabelMatcher.regex("model", "gpt-.*")
/// model.matches("gpt-5-mini")  // true
/// print(model)  // model=~"gpt-.*"
/// let parsed = try LabelMatcher(parsing: #"agent_id!="a1""#)
/// parsed == .notEqual("agent_id", "a1")  // true
/// ```
public struct LabelMatcher: Sendable, Hashable, CustomStringConvertible {
    /// How the value is tested.
    public enum Operation: Sendable, Hashable {
        /// Equals the text.
        case equal(String)
        /// Differs from the text.
        case notEqual(String)
        /// Is one of the texts.
        case oneOf([String])
        /// Is none of the texts.
        case noneOf([String])
        /// Matches the regular expression (whole value).
        case regex(String)
        /// Does not match the regular expression.
        case notRegex(String)
    }

    /// The label, attribute, or `event`/`gauge` for the name.
    public var key: String
    /// The test.
    public private(set) var operation: Operation
    private let compiled: LinearPattern?

    /// Creates a matcher; regular expressions are compiled here.
    ///
    /// - Parameters:
    ///   - key: The label to test.
    ///   - operation: The test.
    /// - Throws: ``MatcherSyntaxError`` when a regular expression does not compile.
    public init(key: String, operation: Operation) throws(MatcherSyntaxError) {
        self.key = key
        self.operation = operation
        switch operation {
        case .regex(let pattern), .notRegex(let pattern):
            do {
                compiled = try LinearPattern(pattern)
            } catch {
                throw MatcherSyntaxError(message: "regular expression \"\(pattern)\" does not compile: \(error)")
            }
        default:
            compiled = nil
        }
    }

    /// A matcher without a pattern, which cannot fail to compile.
    private init(key: String, plain operation: Operation) {
        self.key = key
        self.operation = operation
        self.compiled = nil
    }

    /// `key` equals `value`.
    public static func equal(_ key: String, _ value: String) -> LabelMatcher {
        LabelMatcher(key: key, plain: .equal(value))
    }

    /// `key` differs from `value`.
    public static func notEqual(_ key: String, _ value: String) -> LabelMatcher {
        LabelMatcher(key: key, plain: .notEqual(value))
    }

    /// `key` is one of `values`.
    public static func oneOf(_ key: String, _ values: [String]) -> LabelMatcher {
        LabelMatcher(key: key, plain: .oneOf(values))
    }

    /// `key` is none of `values`.
    public static func noneOf(_ key: String, _ values: [String]) -> LabelMatcher {
        LabelMatcher(key: key, plain: .noneOf(values))
    }

    /// `key` matches `pattern` entirely.
    ///
    /// - Throws: ``MatcherSyntaxError`` when the pattern does not compile.
    public static func regex(_ key: String, _ pattern: String) throws(MatcherSyntaxError) -> LabelMatcher {
        try LabelMatcher(key: key, operation: .regex(pattern))
    }

    /// `key` does not match `pattern` entirely.
    ///
    /// - Throws: ``MatcherSyntaxError`` when the pattern does not compile.
    public static func notRegex(_ key: String, _ pattern: String) throws(MatcherSyntaxError) -> LabelMatcher {
        try LabelMatcher(key: key, operation: .notRegex(pattern))
    }

    /// Whether the value (`nil` when the label is absent) passes the test.
    public func matches(_ value: String?) -> Bool {
        let text = value ?? ""
        switch operation {
        case .equal(let expected): return text == expected
        case .notEqual(let unexpected): return text != unexpected
        case .oneOf(let values): return values.contains(text)
        case .noneOf(let values): return !values.contains(text)
        case .regex: return compiled!.matches(text)
        case .notRegex: return !compiled!.matches(text)
        }
    }

    /// The compiled regular expression of a `regex` or `notRegex` matcher.
    package var pattern: LinearPattern? { compiled }

    /// Whether testing costs a regular expression match (worth caching per value).
    package var isPattern: Bool { compiled != nil }

    /// The exact value required, when the matcher is a plain equality (used to index rules by event name).
    package var exactValue: String? {
        if case .equal(let value) = operation { return value }
        return nil
    }

    public var description: String {
        switch operation {
        case .equal(let value): return "\(key)=\(Self.quoted(value))"
        case .notEqual(let value): return "\(key)!=\(Self.quoted(value))"
        case .oneOf(let values): return "\(key) in [\(values.map(Self.quoted).joined(separator: ", "))]"
        case .noneOf(let values): return "\(key) not in [\(values.map(Self.quoted).joined(separator: ", "))]"
        case .regex(let pattern): return "\(key)=~\(Self.quoted(pattern))"
        case .notRegex(let pattern): return "\(key)!~\(Self.quoted(pattern))"
        }
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            if character == "\"" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        result.append("\"")
        return result
    }

    public static func == (lhs: LabelMatcher, rhs: LabelMatcher) -> Bool {
        lhs.key == rhs.key && lhs.operation == rhs.operation
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(operation)
    }
}

/// A matcher that could not be built: a regular expression that does not compile, or text that is not a
/// matcher.
public struct MatcherSyntaxError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public var message: String
    public var description: String { message }
}
