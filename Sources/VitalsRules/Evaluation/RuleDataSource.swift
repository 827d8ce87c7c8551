public import Vitals

/// Where rule evaluation gets its data: JSONL files, records in memory, or (later) a store.
///
/// A source passes every record, or pre-aggregated series, that the evaluator's rules may need. A store
/// answers from its buckets: it reads `evaluator.rules` (their `match`, `by` and `windowMilliseconds`) and
/// calls `add(_:)` with one `SeriesAggregate` per matching series and window.
///
/// ```swift
/// struct Store: RuleDataSource {
///     func feed(_ evaluator: inout RuleEvaluator) async throws {
///         for series in try await aggregates(for: evaluator.rules) { evaluator.add(series) }
///     }
/// }
/// ```
public protocol RuleDataSource {
    /// Adds this source's data to `evaluator`.
    func feed(_ evaluator: inout RuleEvaluator) async throws
}

extension RuleEvaluator {
    /// Evaluates `rules` over everything `source` has.
    ///
    /// - Throws: Whatever the source throws while reading.
    public static func evaluate(_ rules: [Rule], over source: some RuleDataSource) async throws -> [RuleResult] {
        var evaluator = RuleEvaluator(rules: rules)
        try await source.feed(&evaluator)
        return evaluator.results()
    }
}

/// Records held in memory, as a data source (tests, or records built by a program).
public struct RecordSource: RuleDataSource, Sendable {
    /// The records.
    public var records: [Record]

    /// Creates a source over `records`.
    public init(_ records: [Record]) { self.records = records }

    public func feed(_ evaluator: inout RuleEvaluator) async throws {
        for record in records { evaluator.add(record) }
    }
}

/// The statistics of one series over a window, as a store keeps them: what a store passes to a rule evaluator.
public struct SeriesAggregate: Sendable {
    /// The series: events or gauge samples, the name and the label values.
    public var key: SeriesKey
    /// For events: counts by outcome and the distribution of durations.
    public var operation: EventStatistics
    /// For events: sum, count, min and max of numeric attributes that the store keeps.
    public var attributes: [String: AttributeStatistics]
    /// For gauges: the samples' count, sum, min, max and latest value.
    public var gauge: GaugeStatistics
    /// When the series' first event started (for `rate`).
    public var firstTime: Timestamp?
    /// When the series' last event ended (for `rate`).
    public var lastTime: Timestamp?

    /// Creates a series aggregate.
    public init(
        key: SeriesKey,
        operation: EventStatistics = EventStatistics(),
        attributes: [String: AttributeStatistics] = [:],
        gauge: GaugeStatistics = GaugeStatistics(),
        firstTime: Timestamp? = nil,
        lastTime: Timestamp? = nil
    ) {
        self.key = key
        self.operation = operation
        self.attributes = attributes
        self.gauge = gauge
        self.firstTime = firstTime
        self.lastTime = lastTime
    }

    /// The group state this series contributes to a rule with `metric`.
    func state(for metric: Metric) -> GroupState {
        var state = GroupState(needsSketch: metric.needsSketch)
        state.firstTime = firstTime?.nanosecondsSinceEpoch ?? .max
        state.lastTime = lastTime?.nanosecondsSinceEpoch ?? .min
        switch key.kind {
        case .gauge:
            guard gauge.count > 0 else { return state }
            state.count = gauge.count
            state.valueCount = gauge.count
            state.sum = gauge.sum
            state.minimum = gauge.min
            state.maximum = gauge.max
            state.lastValue = gauge.last
            state.lastValueTime = gauge.lastNanoseconds
            state.hasLastValue = true
        case .event:
            state.count = operation.count
            state.errors = operation.errors
            state.timeouts = operation.timeouts
            switch metric {
            case .attributeSum(let name), .attributeAverage(let name):
                if let statistics = attributes[name], statistics.count > 0 {
                    state.valueCount = statistics.count
                    state.sum = statistics.sum
                }
            case .attributeMinimum(let name), .attributeMaximum(let name):
                // A store keeps sums only: no minimum or maximum is known then (no data, not a wrong value).
                if let statistics = attributes[name], statistics.count > 0, statistics.minimum <= statistics.maximum {
                    state.valueCount = statistics.count
                    state.sum = statistics.sum
                    state.minimum = statistics.minimum
                    state.maximum = statistics.maximum
                }
            case .distinct(let name):
                if let value = key.labels[name] { state.addDistinct(value) }
            default:
                let durations = operation.durations
                if durations.count > 0 {
                    state.valueCount = durations.count
                    state.sum = durations.sum
                    state.minimum = durations.min ?? .infinity
                    state.maximum = durations.max ?? -.infinity
                    state.sketch?.merge(durations)
                }
            }
        }
        return state
    }
}

/// Sum, count, min and max of one numeric attribute.
public struct AttributeStatistics: Sendable, Hashable {
    /// Values added.
    public var count: UInt64
    /// Their sum.
    public var sum: Double
    /// The smallest (+infinity when empty).
    public var minimum: Double
    /// The largest (-infinity when empty).
    public var maximum: Double

    /// Statistics of no values.
    public init() {
        count = 0
        sum = 0
        minimum = .infinity
        maximum = -.infinity
    }

    /// The count and sum of values whose minimum and maximum are unknown (a store keeps sums only).
    public init(count: UInt64, sum: Double) {
        self.init()
        self.count = count
        self.sum = sum
    }

    /// Adds one value.
    public mutating func add(_ value: Double) {
        count &+= 1
        sum += value
        minimum = min(minimum, value)
        maximum = max(maximum, value)
    }
}
