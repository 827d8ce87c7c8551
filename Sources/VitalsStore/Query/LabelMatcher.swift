import Dispatch
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

    /// `key` matches `pattern` entirely, in time linear in the value (see ``LinearPattern`` for the syntax).
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

/// Matchers compiled once per query (patterns compiled, value lists hashed), applied to a store's series.
///
/// Patterns run on ``LinearPattern`` (time linear in the value), each distinct value is tested once per query,
/// and the whole query may spend at most ``patternBudget`` steps (value scalars × pattern size) on them, so no
/// query can hold a thread for long however hostile its pattern or the stored values. Queries with a pattern
/// are matched on a thread of their own (``select(_:)``), never on the threads that answer health probes.
package struct CompiledMatchers: Sendable {
    private enum Test: Sendable {
        case equal(String)
        case notEqual(String)
        case oneOf(Set<String>)
        case matches(LinearPattern, String)
    }

    /// The pattern work one query may do: scalars of the values tested times the size of each pattern.
    package static let patternBudget = 50_000_000

    private let tests: [(key: String, test: Test)]
    private let hasPatterns: Bool

    /// - Throws: ``StoreError`` of code ``StoreError/Code/invalidQuery`` naming a pattern that does not compile.
    package init(_ matchers: [LabelMatcher]) throws(StoreError) {
        var tests: [(key: String, test: Test)] = []
        for matcher in matchers {
            switch matcher.operation {
            case .equal(let value): tests.append((matcher.key, .equal(value)))
            case .notEqual(let value): tests.append((matcher.key, .notEqual(value)))
            case .oneOf(let values): tests.append((matcher.key, .oneOf(Set(values))))
            case .matches(let pattern):
                do {
                    tests.append((matcher.key, .matches(try LinearPattern(pattern), matcher.description)))
                } catch {
                    throw StoreError(
                        code: .invalidQuery,
                        message: "label matcher \(matcher): the pattern is not a valid regular expression (\(error))",
                        underlying: error
                    )
                }
            }
        }
        self.tests = tests
        self.hasPatterns = tests.contains { if case .matches = $0.test { return true } else { return false } }
    }

    /// The series that pass every matcher, in their order.
    ///
    /// - Throws: ``StoreError`` of code ``StoreError/Code/invalidQuery`` when the patterns would cost more than
    ///   ``patternBudget`` over these series.
    package func select(_ series: [SeriesInfo]) async throws(StoreError) -> [SeriesInfo] {
        guard hasPatterns else { return series.filter { passesPlainTests($0.key) } }
        let result: Result<[SeriesInfo], StoreError> = await withCheckedContinuation { continuation in
            Self.patternQueue.async {
                continuation.resume(returning: Result { () throws(StoreError) in try self.selectNow(series) })
            }
        }
        return try result.get()
    }

    /// One serial queue for pattern work: its thread is not one of the concurrency pool's, so a slow pattern
    /// never delays a health probe, and pattern queries share one core at most.
    private static let patternQueue = DispatchQueue(label: "vitals.store.label-patterns")

    private func selectNow(_ series: [SeriesInfo]) throws(StoreError) -> [SeriesInfo] {
        var cache: [[String: Bool]] = Array(repeating: [:], count: tests.count)
        var spent = 0
        var selected: [SeriesInfo] = []
        for info in series where passesPlainTests(info.key) {
            var passes = true
            for (index, (label, test)) in tests.enumerated() {
                guard case .matches(let pattern, let text) = test else { continue }
                let value = info.key.labels[label] ?? ""
                let matched: Bool
                if let known = cache[index][value] {
                    matched = known
                } else {
                    spent += (value.utf8.count + 1) * pattern.size
                    guard spent <= Self.patternBudget else {
                        throw StoreError(
                            code: .invalidQuery,
                            message: "label matcher \(text): testing the pattern against the values of \(series.count) "
                                + "series is more work than one query may do; narrow the query with an exact label "
                                + "or a simpler pattern"
                        )
                    }
                    matched = pattern.matches(value)
                    cache[index][value] = matched
                }
                if !matched {
                    passes = false
                    break
                }
            }
            if passes { selected.append(info) }
        }
        return selected
    }

    private func passesPlainTests(_ key: SeriesKey) -> Bool {
        for (label, test) in tests {
            let value = key.labels[label] ?? ""
            switch test {
            case .equal(let expected): if value != expected { return false }
            case .notEqual(let unexpected): if value == unexpected { return false }
            case .oneOf(let values): if !values.contains(value) { return false }
            case .matches: continue
            }
        }
        return true
    }
}
