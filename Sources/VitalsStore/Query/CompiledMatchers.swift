import Dispatch
package import Vitals

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
        case noneOf(Set<String>)
        case matches(LinearPattern, negated: Bool, String)
    }

    /// The pattern work one query may do: scalars of the values tested times the size of each pattern.
    package static let patternBudget = 50_000_000

    private let tests: [(key: String, test: Test)]
    private let hasPatterns: Bool

    /// Matchers arrive compiled (a LabelMatcher with a pattern that does not compile cannot be made); value
    /// lists are hashed here.
    package init(_ matchers: [LabelMatcher]) {
        var tests: [(key: String, test: Test)] = []
        for matcher in matchers {
            switch matcher.operation {
            case .equal(let value): tests.append((matcher.key, .equal(value)))
            case .notEqual(let value): tests.append((matcher.key, .notEqual(value)))
            case .oneOf(let values): tests.append((matcher.key, .oneOf(Set(values))))
            case .noneOf(let values): tests.append((matcher.key, .noneOf(Set(values))))
            case .regex, .notRegex:
                guard let pattern = matcher.pattern else { continue }
                let negated = if case .notRegex = matcher.operation { true } else { false }
                tests.append((matcher.key, .matches(pattern, negated: negated, matcher.description)))
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
                guard case .matches(let pattern, let negated, let text) = test else { continue }
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
                    matched = pattern.matches(value) != negated
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
            case .noneOf(let values): if values.contains(value) { return false }
            case .matches: continue
            }
        }
        return true
    }
}
