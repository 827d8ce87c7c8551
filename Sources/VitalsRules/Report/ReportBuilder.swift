public import Vitals

/// Collects, in one pass over records, everything `vitals report` shows: operations, agents, gauges, memory,
/// rule results and (with a baseline) the durations to compare.
///
/// Memory is bounded by the number of operations, agents and rule groups, plus a thinned memory series and
/// the compare reservoirs (only when a baseline is given).
///
/// ```swift
/// var builder = ReportBuilder(rules: RuleSet.combined(RulePacks.all))
/// for record in records { builder.add(record) }
/// let report = builder.build()
/// print(report.render(.markdown))
/// ```
public struct ReportBuilder: Sendable {
    /// Options of the report.
    public var options: ReportOptions
    private var evaluator: RuleEvaluator
    private var operations: [EventSummary.GroupKey: EventStatistics] = [:]
    private var agents: [String: AgentAccumulator] = [:]
    private var memory = ThinningSeries()
    private var current: DurationSampleSet?
    private let baseline: DurationSampleSet?
    private var firstTime = Int64.max
    private var lastTime = Int64.min

    /// A builder evaluating `rules`, comparing with `baseline` durations when given.
    public init(rules: [Rule], baseline: DurationSampleSet? = nil, options: ReportOptions = ReportOptions()) {
        self.options = options
        evaluator = RuleEvaluator(rules: rules)
        self.baseline = baseline
        if let baseline {
            current = DurationSampleSet(groupBy: baseline.groupBy, capacity: options.regression.reservoirCapacity)
        }
    }

    /// Adds one record.
    public mutating func add(_ record: Record) {
        evaluator.add(record)
        switch record {
        case .event(let event): add(event)
        case .sample(let sample): add(sample)
        }
    }

    private mutating func add(_ event: Event) {
        operations[EventSummary.GroupKey(name: event.name), default: EventStatistics()].add(
            durationMilliseconds: event.durationMilliseconds,
            status: event.status
        )
        current?.add(event)
        let time = event.end?.nanosecondsSinceEpoch ?? event.start?.nanosecondsSinceEpoch
        if let start = event.start?.nanosecondsSinceEpoch ?? time { firstTime = min(firstTime, start) }
        if let time { lastTime = max(lastTime, time) }
        if let megabytes = event.number(WireKey.memoryMB), let time {
            memory.add(seconds: Double(time) / 1e9, value: megabytes)
        }
        guard let id = event.labels[WireKey.agentID] else { return }
        agents[id, default: AgentAccumulator()].add(event, time: time)
    }

    private mutating func add(_ sample: Sample) {
        let time = sample.timestamp?.nanosecondsSinceEpoch
        if let time {
            firstTime = min(firstTime, time)
            lastTime = max(lastTime, time)
        }
        if sample.name == WireKey.memoryMB, let time {
            memory.add(seconds: Double(time) / 1e9, value: sample.value)
        }
        guard let id = sample.labels[WireKey.agentID] else { return }
        agents[id, default: AgentAccumulator()].add(sample, time: time)
    }

    /// Adds one series aggregated by a store over the report's period; `lastSeen` is when the series last had
    /// data (an agent's last activity).
    public mutating func add(_ series: SeriesAggregate, lastSeen: Timestamp?) {
        evaluator.add(series)
        if let first = series.firstTime?.nanosecondsSinceEpoch { firstTime = min(firstTime, first) }
        if let last = series.lastTime?.nanosecondsSinceEpoch { lastTime = max(lastTime, last) }
        let id = series.key.labels[WireKey.agentID]
        switch series.key.kind {
        case .event:
            operations[EventSummary.GroupKey(name: series.key.name), default: EventStatistics()].merge(series.operation)
            if let id { agents[id, default: AgentAccumulator()].add(series, lastSeen: lastSeen) }
        case .gauge:
            if let id { agents[id, default: AgentAccumulator()].add(series, lastSeen: lastSeen) }
        }
    }

    /// Adds one point of the process memory series (`memory_mb`), for reports over a store's gauge buckets.
    public mutating func addMemory(at time: Timestamp, megabytes: Double) {
        memory.add(seconds: Double(time.nanosecondsSinceEpoch) / 1e9, value: megabytes)
    }

    /// The report over everything added.
    public func build() -> PerformanceReport {
        let end = lastTime == Int64.min ? nil : lastTime
        let agentReports = agents.map { id, accumulator in
            accumulator.report(id: id, dataEnd: end, configuration: options.health)
        }.sorted { $0.id < $1.id }
        let results = evaluator.results()
        let check = CheckReport(results: results, eventCount: evaluator.eventCount, sampleCount: evaluator.sampleCount)
        let comparison = baseline.flatMap { baseline in
            current.map { ComparisonReport(baseline: baseline, current: $0, options: options.regression) }
        }
        let memoryPoints = memory.points
        let trend = MemoryTrend(
            samples: memoryPoints.map { ($0.seconds, $0.value) },
            limitMegabytes: options.memoryLimitMegabytes
        )
        return PerformanceReport(
            title: options.title,
            startTime: firstTime == Int64.max ? nil : Timestamp(nanosecondsSinceEpoch: firstTime),
            endTime: end.map { Timestamp(nanosecondsSinceEpoch: $0) },
            operations: operations,
            agents: agentReports,
            check: check,
            bottlenecks: BottleneckAnalysis.bottlenecks(operations: operations, results: results, limit: 20),
            plan: BottleneckAnalysis.plan(operations: operations, results: results),
            comparison: comparison,
            memory: trend,
            memorySeries: memoryPoints,
            memoryLimitMegabytes: options.memoryLimitMegabytes
        )
    }
}

/// Options of `vitals report`.
public struct ReportOptions: Sendable {
    /// The report's heading. Default "Vitals performance report".
    public var title = "Vitals performance report"
    /// Health score weights and curves.
    public var health = HealthScoreConfiguration.default
    /// The regression rule for the baseline comparison.
    public var regression = RegressionOptions.default
    /// The memory limit the efficiency score is judged against, in MB. Default 100 (the pipeline contract).
    public var memoryLimitMegabytes: Double? = 100

    /// The defaults.
    public init() {}
}

/// What one agent's events and gauges add up to.
private struct AgentAccumulator: Sendable {
    var name: String?
    var domain: String?
    var tasks: UInt64 = 0
    var failures: UInt64 = 0
    var totalMilliseconds: Double = 0
    var lastActive = Int64.min
    var workload: (value: Double, time: Int64)?
    var queueDepth: (value: Double, time: Int64)?
    var cacheHitRate: (value: Double, time: Int64)?

    mutating func add(_ event: Event, time: Int64?) {
        tasks &+= 1
        if event.status.isFailure { failures &+= 1 }
        totalMilliseconds += event.durationMilliseconds
        if let time { lastActive = max(lastActive, time) }
        if name == nil { name = event.labels[WireKey.agentName] }
        if domain == nil { domain = event.labels[WireKey.agentDomain] }
    }

    mutating func add(_ series: SeriesAggregate, lastSeen: Timestamp?) {
        switch series.key.kind {
        case .event:
            tasks &+= series.operation.count
            failures &+= series.operation.errors
            totalMilliseconds += series.operation.totalMilliseconds
            if let lastSeen { lastActive = max(lastActive, lastSeen.nanosecondsSinceEpoch) }
        case .gauge:
            guard series.gauge.count > 0 else { return }
            record(series.key.name, series.gauge.last, at: series.gauge.lastNanoseconds)
        }
        if name == nil { name = series.key.labels[WireKey.agentName] }
        if domain == nil { domain = series.key.labels[WireKey.agentDomain] }
    }

    mutating func add(_ sample: Sample, time: Int64?) {
        record(sample.name, sample.value, at: time ?? Int64.max)
        if name == nil { name = sample.labels[WireKey.agentName] }
        if domain == nil { domain = sample.labels[WireKey.agentDomain] }
    }

    private mutating func record(_ gauge: String, _ value: Double, at when: Int64) {
        func latest(_ slot: inout (value: Double, time: Int64)?, _ value: Double) {
            if slot == nil || when >= slot!.time { slot = (value, when) }
        }
        switch gauge {
        case "workload_pct": latest(&workload, value / 100)
        case "queue_depth": latest(&queueDepth, value)
        case "cache_hit_rate": latest(&cacheHitRate, value)
        default: break
        }
    }

    func report(id: String, dataEnd: Int64?, configuration: HealthScoreConfiguration) -> AgentReport {
        var minutes: Double?
        if let dataEnd, lastActive != Int64.min { minutes = Double(dataEnd - lastActive) / 60e9 }
        return AgentReport(
            id: id,
            name: name,
            domain: domain,
            tasks: tasks,
            failures: failures,
            averageDurationMilliseconds: tasks == 0 ? nil : totalMilliseconds / Double(tasks),
            workload: workload?.value,
            queueDepth: queueDepth?.value,
            cacheHitRate: cacheHitRate?.value,
            minutesSinceActive: minutes,
            configuration: configuration
        )
    }
}
