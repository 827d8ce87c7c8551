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
    /// The groups of the rules. Rules that read the same data the same way (source, name, matchers, `by`, what
    /// an event contributes) share one table: a thousand rules over a few selections cost a few tables.
    private var tables: [GroupTable]
    /// The table of each rule.
    private let tableOf: [Int]
    /// Label lookups of the record being added, shared by its rules: `keyNames[id]` was looked up for the
    /// record whose number is `epoch` when `lookupStamp[id] == epoch`.
    private let keyNames: [String]
    private var lookupStamp: [UInt64]
    private var lookupValue: [String?]
    private var epoch: UInt64 = 0
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
        var keyIDs: [String: Int] = [:]
        var keyNames: [String] = []
        compiled = rules.enumerated().map { index, rule in
            CompiledRule(rule, index: index, patternSlot: { patterns.slot(for: $0) }) { key in
                if let id = keyIDs[key] { return id }
                keyIDs[key] = keyNames.count
                keyNames.append(key)
                return keyNames.count - 1
            }
        }
        self.patterns = patterns
        self.keyNames = keyNames
        lookupStamp = Array(repeating: 0, count: keyNames.count)
        lookupValue = Array(repeating: nil, count: keyNames.count)
        var tableIDs: [TableKey: Int] = [:]
        var tables: [GroupTable] = []
        var tableOf: [Int] = []
        // The first rule of each table stands for it in the routes, so that a record is added to a table once.
        var representatives: [Int] = []
        for (index, rule) in compiled.enumerated() {
            let key = TableKey(rules[index], rule)
            if let table = tableIDs[key] {
                tableOf.append(table)
                continue
            }
            tableIDs[key] = tables.count
            tableOf.append(tables.count)
            tables.append(GroupTable(width: rule.groupBy.count, needsSketch: rule.needsSketch))
            representatives.append(index)
        }
        self.tables = tables
        self.tableOf = tableOf
        var eventByName: [String: [Int]] = [:]
        var eventOther: [Int] = []
        var gaugeByName: [String: [Int]] = [:]
        var gaugeOther: [Int] = []
        for index in representatives {
            let rule = rules[index]
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
        epoch &+= 1
        let route = eventRoutes[event.name] ?? routeEvent(event.name)
        for index in route { add(event, to: compiled[index]) }
    }

    /// Adds one gauge sample to every rule whose `match` it satisfies.
    public mutating func add(_ sample: Sample) {
        sampleCount &+= 1
        epoch &+= 1
        let route = gaugeRoutes[sample.name] ?? routeGauge(sample.name)
        for index in route { add(sample, to: compiled[index]) }
    }

    /// Adds one pre-aggregated series (from a store) to every rule it matches. Matchers and `by` see only the
    /// series' labels, so `distinct:ATTR` counts the distinct values of a label `ATTR` across series.
    public mutating func add(_ series: SeriesAggregate) {
        let route: [Int]
        switch series.key.kind {
        case .event:
            eventCount &+= series.operation.count
            route = eventRoutes[series.key.name] ?? routeEvent(series.key.name)
        case .gauge:
            sampleCount &+= series.gauge.count
            route = gaugeRoutes[series.key.name] ?? routeGauge(series.key.name)
        }
        for index in route {
            let rule = compiled[index]
            epoch &+= 1
            var passed = true
            for slot in rule.matchers.indices where !accepts(rule, slot, series.key.labels[rule.matchers[slot].key]) {
                passed = false
                break
            }
            guard passed else { continue }
            let state = series.state(for: rule.metric)
            tables[tableOf[index]].update(rule.groupBy.map { series.key.labels[$0] ?? "" }, limit: Self.maximumGroups) {
                $0.merge(state)
            }
        }
    }

    /// Adds the state of another evaluator built over the same rules (for example over another part of a file).
    public mutating func merge(_ other: RuleEvaluator) {
        precondition(other.rules.map(\.name) == rules.map(\.name), "merging evaluators of different rules")
        eventCount &+= other.eventCount
        sampleCount &+= other.sampleCount
        for index in tables.indices { tables[index].merge(other.tables[index], limit: Self.maximumGroups) }
    }

    /// The outcome of every rule for every group: rule order, groups sorted by their label values.
    public func results() -> [RuleResult] {
        var results: [RuleResult] = []
        let groups = tables.map(\.groups)
        for (index, rule) in rules.enumerated() {
            var ruleResults: [RuleResult] = []
            for (key, state) in groups[tableOf[index]] {
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

    /// Whether matcher `slot` of `rule` accepts `value`.
    @inline(__always)
    private mutating func accepts(_ rule: CompiledRule, _ slot: Int, _ value: String?) -> Bool {
        let pattern = rule.patternSlots[slot]
        if pattern < 0 { return rule.matchers[slot].matches(value) }
        return patterns.matches(pattern, value ?? "") != rule.matchers[slot].isNegatedPattern
    }

    /// The value of label or attribute `id` of `event`, looked up once per event.
    @inline(__always)
    private mutating func lookup(_ id: Int, in event: Event) -> String? {
        if lookupStamp[id] == epoch { return lookupValue[id] }
        let value = event.labelOrAttribute(keyNames[id])
        lookupStamp[id] = epoch
        lookupValue[id] = value
        return value
    }

    /// The value of label `id` of `sample`, looked up once per sample.
    @inline(__always)
    private mutating func lookup(_ id: Int, in sample: Sample) -> String? {
        if lookupStamp[id] == epoch { return lookupValue[id] }
        let value = sample.labels[keyNames[id]]
        lookupStamp[id] = epoch
        lookupValue[id] = value
        return value
    }

    private mutating func add(_ event: Event, to rule: CompiledRule) {
        for slot in rule.matchers.indices {
            let value = lookup(rule.matcherKeys[slot], in: event)
            if !accepts(rule, slot, value) { return }
        }
        let contribution = EventContribution(
            status: event.status,
            start: event.start?.nanosecondsSinceEpoch,
            end: event.end?.nanosecondsSinceEpoch,
            value: rule.readsDuration ? event.durationMilliseconds : rule.attribute.flatMap { event.number($0) },
            isDuration: rule.readsDuration,
            text: rule.distinctKey >= 0 ? lookup(rule.distinctKey, in: event) : nil
        )
        switch rule.groupKeys.count {
        case 0:
            tables[tableOf[rule.index]].update([], limit: Self.maximumGroups) { $0.add(contribution) }
        case 1:
            let value = lookup(rule.groupKeys[0], in: event) ?? ""
            tables[tableOf[rule.index]].update(one: value, limit: Self.maximumGroups) { $0.add(contribution) }
        default:
            var values: [String] = []
            for id in rule.groupKeys { values.append(lookup(id, in: event) ?? "") }
            tables[tableOf[rule.index]].update(values, limit: Self.maximumGroups) { $0.add(contribution) }
        }
    }

    private mutating func add(_ sample: Sample, to rule: CompiledRule) {
        for slot in rule.matchers.indices {
            let value = lookup(rule.matcherKeys[slot], in: sample)
            if !accepts(rule, slot, value) { return }
        }
        let value = sample.value
        let time = sample.timestamp?.nanosecondsSinceEpoch
        var values: [String] = []
        for id in rule.groupKeys { values.append(lookup(id, in: sample) ?? "") }
        tables[tableOf[rule.index]].update(values, limit: Self.maximumGroups) { state in
            state.count &+= 1
            state.addValue(value)
            state.addTime(start: time, end: time)
            state.addLast(value, time: time)
        }
    }
}

/// What makes two rules read the same groups: the same records (source, name, matchers), grouped the same way,
/// each contributing the same value. The metric computed from the groups may differ.
private struct TableKey: Hashable {
    let source: SeriesKind
    let name: LabelMatcher
    let matchers: [LabelMatcher]
    let groupBy: [String]
    /// What a record contributes: the duration, a numeric attribute (per metric, since a store's buckets give
    /// different states for sums and extremes), or a distinct label.
    let contribution: String
    let needsSketch: Bool

    init(_ rule: Rule, _ compiled: CompiledRule) {
        source = rule.source
        name = rule.nameMatcher
        matchers = rule.matchers
        groupBy = rule.groupBy
        switch compiled.contribution {
        case .duration: contribution = "duration"
        case .attribute: contribution = "attribute \(rule.metric)"
        case .distinct(let name): contribution = "distinct \(name)"
        }
        needsSketch = compiled.needsSketch
    }
}
