import Vitals

/// A rule prepared for the per-event loop: a reference (no struct copies per event), with what each event
/// must be asked for precomputed.
final class CompiledRule: Sendable {
    /// What a matching event contributes.
    enum Contribution: Sendable {
        /// Its duration.
        case duration
        /// A numeric attribute.
        case attribute(String)
        /// The text of a label or attribute, for `distinct:`.
        case distinct(String)
    }

    let index: Int
    let matchers: [LabelMatcher]
    /// For each matcher, the slot of its pattern in the evaluator's shared pattern cache, or -1.
    let patternSlots: [Int]
    /// For each matcher, the evaluator's id of its key (lookups are shared by the rules of one record).
    let matcherKeys: [Int]
    let groupBy: [String]
    /// The evaluator's ids of the `by` labels.
    let groupKeys: [Int]
    /// The id of the attribute `distinct:` reads, or -1.
    let distinctKey: Int
    let metric: Metric
    let unit: SourceUnit
    let needsSketch: Bool
    let contribution: Contribution

    init(_ rule: Rule, index: Int, patternSlot: (LabelMatcher) -> Int, keyID: (String) -> Int) {
        self.index = index
        matchers = rule.matchers
        patternSlots = rule.matchers.map(patternSlot)
        matcherKeys = rule.matchers.map { keyID($0.key) }
        groupBy = rule.groupBy
        groupKeys = rule.groupBy.map(keyID)
        if case .distinct(let name) = rule.metric { distinctKey = keyID(name) } else { distinctKey = -1 }
        metric = rule.metric
        unit = rule.metric.unit(gaugeName: rule.gaugeName)
        needsSketch = rule.metric.needsSketch
        switch rule.metric {
        case .attributeSum(let name), .attributeAverage(let name), .attributeMinimum(let name),
            .attributeMaximum(let name):
            contribution = .attribute(name)
        case .distinct(let name):
            contribution = .distinct(name)
        default:
            contribution = .duration
        }
    }

    var isGrouped: Bool { !groupBy.isEmpty }

    /// Whether events contribute their duration (rather than an attribute or a distinct value).
    var readsDuration: Bool {
        if case .duration = contribution { return true }
        return false
    }

    /// The numeric attribute events contribute, if any.
    var attribute: String? {
        if case .attribute(let name) = contribution { return name }
        return nil
    }
}

/// Memoised regular-expression verdicts, one table per distinct pattern: label values repeat (workers,
/// models, tools), and a `Regex` match costs far more than a dictionary lookup. Each table stops growing at
/// `limit` values; further values are matched every time.
struct PatternCache: Sendable {
    static let limit = 4096

    private(set) var patterns: [LabelMatcher] = []
    private var tables: [[String: Bool]] = []

    /// The slot of `matcher`'s pattern (shared by matchers with the same pattern), or -1 when it has none.
    mutating func slot(for matcher: LabelMatcher) -> Int {
        guard matcher.isPattern else { return -1 }
        let pattern: String
        switch matcher.operation {
        case .regex(let text), .notRegex(let text): pattern = text
        default: return -1
        }
        if let existing = patterns.firstIndex(where: { $0.patternText == pattern }) { return existing }
        patterns.append(try! LabelMatcher(key: "", operation: .regex(pattern)))
        tables.append([:])
        return patterns.count - 1
    }

    /// Whether the pattern in `slot` matches `text` (whole value).
    @inline(__always)
    mutating func matches(_ slot: Int, _ text: String) -> Bool {
        if let known = tables[slot][text] { return known }
        let result = patterns[slot].matches(text)
        if tables[slot].count < Self.limit { tables[slot][text] = result }
        return result
    }
}

extension LabelMatcher {
    /// The regular expression's text, for `regex` and `not_regex` matchers.
    var patternText: String? {
        switch operation {
        case .regex(let text), .notRegex(let text): return text
        default: return nil
        }
    }

    /// Whether the matcher is negated (`not_regex`); its pattern verdict is inverted.
    var isNegatedPattern: Bool {
        if case .notRegex = operation { return true }
        return false
    }
}
