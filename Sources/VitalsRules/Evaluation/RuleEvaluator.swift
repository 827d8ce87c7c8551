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
    /// Event or gauge names whose matching rules are remembered (beyond it they are worked out every time).
    private static let routeCacheLimit = 4096

    /// The rules, in evaluation (and report) order.
    public let rules: [Rule]
    /// Events added.
    public private(set) var eventCount: UInt64 = 0
    /// Gauge samples added.
    public private(set) var sampleCount: UInt64 = 0

    private let compiled: [CompiledRule]
    /// Groups of rules with `by`, keyed by their label values.
    private var groupedStates: [[[String]: GroupState]]
    /// The one group of each rule without `by`.
    private var ungroupedStates: [GroupState?]
    private let eventRulesByName: [String: [Int]]
    private let eventRulesOther: [Int]
    private let gaugeRulesByName: [String: [Int]]
    private let gaugeRulesOther: [Int]
    /// Rules that apply to an event or gauge name, worked out once per name.
    private var eventRoutes: [String: [Int]] = [:]
    private var gaugeRoutes: [String: [Int]] = [:]
    private var patterns = PatternCache()

    /// Creates an evaluator for `rules` (names are assumed unique; see `RuleSet.combined`).
    public init(rules: [Rule]) {
        self.rules = rules
        var patterns = PatternCache()
        compiled = rules.enumerated().map { index, rule in
            CompiledRule(rule, index: index) { patterns.slot(for: $0) }
        }
        self.patterns = patterns
        groupedStates = Array(repeating: [:], count: rules.count)
        ungroupedStates = Array(repeating: nil, count: rules.count)
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
        let route = eventRoutes[event.name] ?? routeEvent(event.name)
        for index in route { add(event, to: compiled[index]) }
    }

    /// Adds one gauge sample to every rule whose `match` it satisfies.
    public mutating func add(_ sample: Sample) {
        sampleCount &+= 1
        let route = gaugeRoutes[sample.name] ?? routeGauge(sample.name)
        for index in route { add(sample, to: compiled[index]) }
    }

    /// Adds one pre-aggregated series (from a store) to every rule it matches. Matchers and `by` see only the
    /// series' labels, so `distinct:ATTR` counts the distinct values of a label `ATTR` across series.
    public mutating func add(_ series: SeriesAggregate) {
        let route: [Int]
        switch series.source {
        case .event:
            eventCount &+= series.operation.count
            route = eventRoutes[series.name] ?? routeEvent(series.name)
        case .gauge:
            sampleCount &+= series.gauge.count
            route = gaugeRoutes[series.name] ?? routeGauge(series.name)
        }
        for index in route {
            let rule = compiled[index]
            guard passes(rule, { series.labels[$0] }) else { continue }
            update(rule, rule.groupBy.map { series.labels[$0] ?? "" }) { $0.merge(series.state(for: rule.metric)) }
        }
    }

    /// Adds the state of another evaluator built over the same rules (for example over another part of a file).
    public mutating func merge(_ other: RuleEvaluator) {
        precondition(other.rules.map(\.name) == rules.map(\.name), "merging evaluators of different rules")
        eventCount &+= other.eventCount
        sampleCount &+= other.sampleCount
        for rule in compiled {
            if let state = other.ungroupedStates[rule.index] { update(rule, []) { $0.merge(state) } }
            for (key, state) in other.groupedStates[rule.index] { update(rule, key) { $0.merge(state) } }
        }
    }

    /// The outcome of every rule for every group: rule order, groups sorted by their label values.
    public func results() -> [RuleResult] {
        var results: [RuleResult] = []
        for (index, rule) in rules.enumerated() {
            var groups = groupedStates[index].sorted { $0.key.lexicographicallyPrecedes($1.key) }
            if let state = ungroupedStates[index] { groups.insert(([], state), at: 0) }
            var ruleResults: [RuleResult] = []
            for (key, state) in groups {
                guard let value = state.value(of: rule.metric, unit: compiled[index].unit) else { continue }
                var result = RuleResult(
                    rule: rule,
                    group: Labels(zip(rule.groupBy, key).map { ($0, $1) }),
                    value: value,
                    status: .passed
                )
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

    private mutating func routeEvent(_ name: String) -> [Int] {
        let route = (eventRulesByName[name] ?? []) + eventRulesOther.filter { rules[$0].nameMatcher.matches(name) }
        if eventRoutes.count < Self.routeCacheLimit { eventRoutes[name] = route }
        return route
    }

    private mutating func routeGauge(_ name: String) -> [Int] {
        let route = (gaugeRulesByName[name] ?? []) + gaugeRulesOther.filter { rules[$0].nameMatcher.matches(name) }
        if gaugeRoutes.count < Self.routeCacheLimit { gaugeRoutes[name] = route }
        return route
    }

    /// Whether every label matcher of `rule` accepts the values `lookup` gives.
    @inline(__always)
    private mutating func passes(_ rule: CompiledRule, _ lookup: (String) -> String?) -> Bool {
        for slot in rule.matchers.indices {
            let value = lookup(rule.matchers[slot].key)
            let pattern = rule.patternSlots[slot]
            if pattern < 0 {
                if !rule.matchers[slot].matches(value) { return false }
            } else if patterns.matches(pattern, value ?? "") == rule.matchers[slot].isNegatedPattern {
                return false
            }
        }
        return true
    }

    private mutating func add(_ event: Event, to rule: CompiledRule) {
        guard passes(rule, { event.labelOrAttribute($0) }) else { return }
        let key = rule.isGrouped ? rule.groupBy.map { event.labelOrAttribute($0) ?? "" } : []
        let status = event.status
        let start = event.start?.nanosecondsSinceEpoch
        let end = event.end?.nanosecondsSinceEpoch
        var value: Double?
        var text: String?
        switch rule.contribution {
        case .duration: value = event.durationMilliseconds
        case .attribute(let name): value = event.number(name)
        case .distinct(let name): text = event.labelOrAttribute(name)
        }
        let isDuration: Bool
        if case .duration = rule.contribution { isDuration = true } else { isDuration = false }
        update(rule, key) { state in
            state.count &+= 1
            if status != .ok {
                state.errors &+= 1
                if status == .timeout { state.timeouts &+= 1 }
            }
            state.addTime(start: start, end: end)
            if let value {
                state.addValue(value)
                if isDuration { state.sketch?.add(value) }
            }
            if let text { state.addDistinct(text) }
        }
    }

    private mutating func add(_ sample: Sample, to rule: CompiledRule) {
        guard passes(rule, { sample.labels[$0] }) else { return }
        let key = rule.isGrouped ? rule.groupBy.map { sample.labels[$0] ?? "" } : []
        let value = sample.value
        let time = sample.timestamp?.nanosecondsSinceEpoch
        update(rule, key) { state in
            state.count &+= 1
            state.addValue(value)
            state.addTime(start: time, end: time)
            state.addLast(value, time: time)
        }
    }

    /// Applies `body` to the group `key` of `rule`, creating it (or folding it into `__overflow__`) first.
    @inline(__always)
    private mutating func update(_ rule: CompiledRule, _ key: [String], _ body: (inout GroupState) -> Void) {
        let index = rule.index
        guard rule.isGrouped else {
            if ungroupedStates[index] == nil { ungroupedStates[index] = GroupState(needsSketch: rule.needsSketch) }
            body(&ungroupedStates[index]!)
            return
        }
        var target = key
        if groupedStates[index].count >= Self.maximumGroups, groupedStates[index][key] == nil {
            target = Array(repeating: "__overflow__", count: key.count)
        }
        body(&groupedStates[index][target, default: GroupState(needsSketch: rule.needsSketch)])
    }
}
