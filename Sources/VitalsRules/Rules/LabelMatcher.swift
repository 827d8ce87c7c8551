import Vitals

/// A condition on one label (or attribute) of an event or gauge sample, or on the event/gauge name itself.
///
/// In a rule file a matcher is written as the value of a `match` key:
///
/// | written | matches when the value |
/// | --- | --- |
/// | `stage: session` | equals `session` |
/// | `stage: [session, init]` or `{in: [session, init]}` | is one of the list |
/// | `stage: {not: session}` or `stage: "!session"` | differs from `session` |
/// | `stage: {regex: "sess.*"}` or `stage: "~sess.*"` | matches the regular expression, whole value |
/// | `stage: {not_regex: "sess.*"}` or `stage: "!~sess.*"` | does not match it |
/// | `stage: {not_in: [a, b]}` | is none of the list |
///
/// An absent label reads as the empty string (so `{not: x}` matches events without the label). Numbers and
/// booleans compare in their JSONL text form (`tier: 1` matches `"tier": 1` and `"tier": "1"`). Regular
/// expressions must match the whole value and run in time linear in the value (the common subset of RE2,
/// Prometheus and Swift `Regex`: classes, groups, alternation, quantifiers; no back-references or look-arounds). To match a value that itself starts
/// with `~` or `!`, use the long form `{equals: "~x"}`.
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
    public var operation: Operation
    private let compiled: LinearPattern?

    /// Creates a matcher; regular expressions are compiled here.
    ///
    /// - Throws: `MatcherSyntaxError` when a regular expression does not compile.
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

    /// Whether testing costs a regular expression match (worth caching per value).
    var isPattern: Bool { compiled != nil }

    /// The exact value required, when the matcher is a plain equality (used to index rules by event name).
    package var exactValue: String? {
        if case .equal(let value) = operation { return value }
        return nil
    }

    public var description: String {
        switch operation {
        case .equal(let value): return "\(key)=\(value)"
        case .notEqual(let value): return "\(key)!=\(value)"
        case .oneOf(let values): return "\(key) in [\(values.joined(separator: ", "))]"
        case .noneOf(let values): return "\(key) not in [\(values.joined(separator: ", "))]"
        case .regex(let pattern): return "\(key)=~\(pattern)"
        case .notRegex(let pattern): return "\(key)!~\(pattern)"
        }
    }

    public static func == (lhs: LabelMatcher, rhs: LabelMatcher) -> Bool {
        lhs.key == rhs.key && lhs.operation == rhs.operation
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(operation)
    }
}

/// A matcher that could not be built.
public struct MatcherSyntaxError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public var message: String
    public var description: String { message }
}
