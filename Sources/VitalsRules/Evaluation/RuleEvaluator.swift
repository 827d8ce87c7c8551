public import Vitals

/// Evaluates rules over events and gauge samples in one pass.
///
/// Feed it every record (in any order, from any number of files), then read `results()`. Memory grows with
/// the number of groups (distinct values of the rules' `by` labels), never with the number of events: each
/// group keeps counters, a sum/min/max, a `QuantileSketch` when the metric is a quantile, and at most
/// `GroupState.distinctCap` (10,000) values for `distinct:ATTR`. A rule keeps at most `maximumGroups` groups;
/// further groups fold into one group labelled `__overflow__`.
///
/// ```swift
/// var evaluator = RuleEvaluator(rules: RulePacks.pack(named: "agents")!.rules)
/// for record in records { evaluator.add(record) }
/// let violations = evaluator.results().filter { $0.status == .violated }
/// ```
public struct RuleEvaluator: Sendable {
    /// The most groups one rule keeps before folding new ones into `__overflow__`.
    public static let maximumGroups = 10_000

    /// The rules, in evaluation (and report) order.
    public let rules: [Rule]
    /// Events added.
    public private(set) var eventCount: UInt64 = 0
    /// Gauge samples added.
    public private(set) var sampleCount: UInt64 = 0

    private var states: [[[String]: GroupState]]
    private let units: [SourceUnit]
    private let eventRulesByName: [String: [Int]]
    private let eventRulesOther: [Int]
    private let gaugeRulesByName: [String: [Int]]
    private let gaugeRulesOther: [Int]
    /// Results of regular-expression matchers by value, per rule: slot 0 is the name matcher, slot i + 1 the
    /// i-th label matcher. Label values repeat (workers, models, tools), and a `Regex` match costs far more
    /// than a dictionary lookup.
    private var patternCache: [[[String: Bool]]]
    private static let patternCacheLimit = 4096

    /// Creates an evaluator for `rules` (names are assumed unique; see `RuleSet.combined`).
    public init(rules: [Rule]) {
        self.rules = rules
        states = Array(repeating: [:], count: rules.count)
        units = rules.map { $0.metric.unit(gaugeName: $0.gaugeName) }
        patternCache = rules.map { Array(repeating: [:], count: $0.matchers.count + 1) }
        var eventByName: [String: [Int]] = [:]
        var eventOther: [Int] = []
        var gaugeByName: [String: [Int]] = [:]
        var gaugeOther: [Int] = []
        for (index, rule) in rules.enumerated() {
            switch (rule.source, rule.nameMatcher.exactValue) {
            case (.event, let name?): eventByName[name, default: []].append(index)
            case (.event, nil): eventOther.append(index)
            case (.gauge, let name?): gaugeByName[name, default: []].append(index)
            case (.gauge, nil): gaugeOther.append(index)
            }
        }
        eventRulesByName = eventByName
        eventRulesOther = eventOther
        gaugeRulesByName = gaugeByName
        gaugeRulesOther = gaugeOther
    }

    /// Adds one record.
    public mutating func add(_ record: Record) {
        switch record {
        case .event(let event): add(event)
        case .sample(let sample): add(sample)
        }
    }

    /// Adds one event to every rule whose `match` it satisfies.
    public mutating func add(_ event: Event) {
        eventCount &+= 1
        if let indices = eventRulesByName[event.name] {
            for index in indices { add(event, to: index) }
        }
        for index in eventRulesOther where matches(rules[index].nameMatcher, event.name, rule: index, slot: 0) {
            add(event, to: index)
        }
    }

    /// Adds one gauge sample to every rule whose `match` it satisfies.
    public mutating func add(_ sample: Sample) {
        sampleCount &+= 1
        if let indices = gaugeRulesByName[sample.name] {
            for index in indices { add(sample, to: index) }
        }
        for index in gaugeRulesOther where matches(rules[index].nameMatcher, sample.name, rule: index, slot: 0) {
            add(sample, to: index)
        }
    }

    /// Adds the state of another evaluator built over the same rules (for example over another part of a file).
    public mutating func merge(_ other: RuleEvaluator) {
        precondition(other.rules.map(\.name) == rules.map(\.name), "merging evaluators of different rules")
        eventCount &+= other.eventCount
        sampleCount &+= other.sampleCount
        for index in states.indices {
            for (key, state) in other.states[index] {
                let target = groupKey(key, rule: index)
                states[index][target, default: GroupState(needsSketch: rules[index].metric.needsSketch)].merge(state)
            }
        }
    }

    /// The outcome of every rule for every group: rule order, groups sorted by their label values.
    public func results() -> [RuleResult] {
        var results: [RuleResult] = []
        for (index, rule) in rules.enumerated() {
            var ruleResults: [RuleResult] = []
            for (key, state) in states[index].sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                let group = Labels(zip(rule.groupBy, key).map { ($0, $1) })
                guard let value = state.value(of: rule.metric, unit: units[index]) else { continue }
                var result = RuleResult(rule: rule, group: group, value: value, status: .passed)
                if let (severity, threshold) = rule.crossed(by: value) {
                    result.status = .violated
                    result.severity = severity
                    result.threshold = threshold
                }
                if case .distinct = rule.metric, state.distinctOverflow {
                    result.note = "distinct values capped at \(GroupState.distinctCap); the count is a lower bound"
                }
                ruleResults.append(result)
            }
            if ruleResults.isEmpty {
                var result = RuleResult(rule: rule, value: nil, status: .noData)
                if rule.requireData {
                    result.status = .violated
                    result.severity = rule.highestSeverity
                    result.threshold = rule.thresholds.last?.threshold
                    result.note = "no data matched and the rule requires data"
                }
                ruleResults.append(result)
            }
            results += ruleResults
        }
        return results
    }

    // MARK: Private

    private mutating func add(_ event: Event, to index: Int) {
        let rule = rules[index]
        for (slot, matcher) in rule.matchers.enumerated()
        where !matches(matcher, event.labelOrAttribute(matcher.key), rule: index, slot: slot + 1) {
            return
        }
        let key = groupKey(rule.groupBy.map { event.labelOrAttribute($0) ?? "" }, rule: index)
        let metric = rule.metric
        let duration = event.durationMilliseconds
        let status = event.status
        let start = event.start?.nanosecondsSinceEpoch
        let end = event.end?.nanosecondsSinceEpoch
        var attributeValue: Double?
        var distinctValue: String?
        switch metric {
        case .attributeSum(let name), .attributeAverage(let name), .attributeMinimum(let name),
            .attributeMaximum(let name):
            attributeValue = event.number(name)
        case .distinct(let name):
            distinctValue = event.labelOrAttribute(name)
        default:
            break
        }
        update(index, key) { state in
            state.count &+= 1
            if status != .ok {
                state.errors &+= 1
                if status == .timeout { state.timeouts &+= 1 }
            }
            state.addTime(start: start, end: end)
            switch metric {
            case .attributeSum, .attributeAverage, .attributeMinimum, .attributeMaximum:
                if let attributeValue { state.addValue(attributeValue) }
            case .distinct:
                if let distinctValue { state.addDistinct(distinctValue) }
            default:
                state.addValue(duration)
                state.sketch?.add(duration)
            }
        }
    }

    private mutating func add(_ sample: Sample, to index: Int) {
        let rule = rules[index]
        for (slot, matcher) in rule.matchers.enumerated()
        where !matches(matcher, sample.labels[matcher.key], rule: index, slot: slot + 1) {
            return
        }
        let key = groupKey(rule.groupBy.map { sample.labels[$0] ?? "" }, rule: index)
        let value = sample.value
        let time = sample.timestamp?.nanosecondsSinceEpoch
        update(index, key) { state in
            state.count &+= 1
            state.addValue(value)
            state.addTime(start: time, end: time)
            state.addLast(value, time: time)
        }
    }

    /// Adds one pre-aggregated series (from a store) to every rule it matches. Matchers and `by` see only the
    /// series' labels, so `distinct:ATTR` counts the distinct values of a label `ATTR` across series.
    public mutating func add(_ series: SeriesAggregate) {
        let candidates: [Int]
        switch series.source {
        case .event:
            eventCount &+= series.operation.count
            candidates = (eventRulesByName[series.name] ?? []) + eventRulesOther
        case .gauge:
            sampleCount &+= series.gauge.count
            candidates = (gaugeRulesByName[series.name] ?? []) + gaugeRulesOther
        }
        for index in candidates where rules[index].nameMatcher.matches(series.name) {
            let rule = rules[index]
            guard rule.source == series.source,
                rule.matchers.allSatisfy({ $0.matches(series.labels[$0.key]) })
            else { continue }
            let key = groupKey(rule.groupBy.map { series.labels[$0] ?? "" }, rule: index)
            update(index, key) { state in state.merge(series.state(for: rule.metric)) }
        }
    }

    /// A matcher's verdict on a value, from the cache when the matcher is a regular expression.
    @inline(__always)
    private mutating func matches(_ matcher: LabelMatcher, _ value: String?, rule: Int, slot: Int) -> Bool {
        guard matcher.isPattern else { return matcher.matches(value) }
        let text = value ?? ""
        if let known = patternCache[rule][slot][text] { return known }
        let result = matcher.matches(text)
        if patternCache[rule][slot].count < Self.patternCacheLimit { patternCache[rule][slot][text] = result }
        return result
    }

    @inline(__always)
    private mutating func update(_ index: Int, _ key: [String], _ body: (inout GroupState) -> Void) {
        let needsSketch = rules[index].metric.needsSketch
        body(&states[index][key, default: GroupState(needsSketch: needsSketch)])
    }

    private func groupKey(_ key: [String], rule index: Int) -> [String] {
        guard states[index].count >= Self.maximumGroups, states[index][key] == nil else { return key }
        return Array(repeating: "__overflow__", count: key.count)
    }
}
