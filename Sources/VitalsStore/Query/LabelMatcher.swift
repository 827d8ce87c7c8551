import Vitals

/// A condition on one label of a series, as in `agent_id="a1"` or `model=~"gpt-.*"`.
///
/// A series without the label is matched as if its value were the empty string, so `notEqual("x")` keeps it
/// and `equal("")` selects series that lack the label.
///
/// ```swift
/// let matchers: [LabelMatcher] = [.equal("agent_id", "a1"), .matches("model", "gpt-.*")]
/// ```
public struct LabelMatcher: Sendable, Hashable, CustomStringConvertible {
    /// How the value is compared.
    public enum Operation: Sendable, Hashable {
        /// The label equals the value.
        case equal(String)
        /// The label differs from the value.
        case notEqual(String)
        /// The label is one of the values.
        case oneOf([String])
        /// The whole label matches a regular expression.
        case matches(String)
    }

    /// The label key.
    public var key: String
    /// The comparison.
    public var operation: Operation

    /// Creates a matcher.
    public init(key: String, operation: Operation) {
        self.key = key
        self.operation = operation
    }

    /// `key == value`.
    public static func equal(_ key: String, _ value: String) -> LabelMatcher {
        LabelMatcher(key: key, operation: .equal(value))
    }

    /// `key != value`.
    public static func notEqual(_ key: String, _ value: String) -> LabelMatcher {
        LabelMatcher(key: key, operation: .notEqual(value))
    }

    /// `key` is one of `values`.
    public static func oneOf(_ key: String, _ values: [String]) -> LabelMatcher {
        LabelMatcher(key: key, operation: .oneOf(values))
    }

    /// `key` matches `pattern` entirely (Swift `Regex` syntax).
    public static func matches(_ key: String, _ pattern: String) -> LabelMatcher {
        LabelMatcher(key: key, operation: .matches(pattern))
    }

    public var description: String {
        switch operation {
        case .equal(let value): return "\(key)=\"\(value)\""
        case .notEqual(let value): return "\(key)!=\"\(value)\""
        case .oneOf(let values): return "\(key) in [\(values.joined(separator: ", "))]"
        case .matches(let pattern): return "\(key)=~\"\(pattern)\""
        }
    }
}

/// Matchers compiled once per query (regular expressions parsed, value lists hashed).
package struct CompiledMatchers {
    private enum Test {
        case equal(String)
        case notEqual(String)
        case oneOf(Set<String>)
        case matches(Regex<AnyRegexOutput>)
    }

    private let tests: [(key: String, test: Test)]

    /// - Throws: ``StoreError`` of code ``StoreError/Code/invalidQuery`` naming a pattern that does not parse.
    package init(_ matchers: [LabelMatcher]) throws(StoreError) {
        var tests: [(key: String, test: Test)] = []
        for matcher in matchers {
            switch matcher.operation {
            case .equal(let value): tests.append((matcher.key, .equal(value)))
            case .notEqual(let value): tests.append((matcher.key, .notEqual(value)))
            case .oneOf(let values): tests.append((matcher.key, .oneOf(Set(values))))
            case .matches(let pattern):
                do {
                    tests.append((matcher.key, .matches(try Regex(pattern))))
                } catch {
                    throw StoreError(
                        code: .invalidQuery,
                        message: "label matcher \(matcher): the pattern is not a valid regular expression",
                        underlying: error
                    )
                }
            }
        }
        self.tests = tests
    }

    /// Whether a series with these labels passes every matcher.
    package func accepts(_ key: SeriesKey) -> Bool {
        for (label, test) in tests {
            let value = key.labels[label] ?? ""
            switch test {
            case .equal(let expected): if value != expected { return false }
            case .notEqual(let unexpected): if value == unexpected { return false }
            case .oneOf(let values): if !values.contains(value) { return false }
            case .matches(let regex): if (try? regex.wholeMatch(in: value)) == nil { return false }
            }
        }
        return true
    }
}
