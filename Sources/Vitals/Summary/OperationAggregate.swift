/// Everything `vitals summary` keeps about one operation (or one `--by` group): counts by outcome and the
/// distribution of durations. Mergeable, so file ranges can be summarised in parallel and combined.
public struct OperationAggregate: Sendable, Hashable {
    /// Number of events.
    public private(set) var count: UInt64 = 0
    /// Events whose status is not `ok` (errors, timeouts and cancellations).
    public private(set) var errors: UInt64 = 0
    /// Events that timed out (also counted in `errors`).
    public private(set) var timeouts: UInt64 = 0
    /// Durations in milliseconds: exact count, sum, min and max, and quantiles within 1 %.
    public private(set) var durations = QuantileSketch()

    /// An empty aggregate.
    public init() {}

    /// An aggregate made elsewhere (a store's buckets).
    package init(count: UInt64, errors: UInt64, timeouts: UInt64, durations: QuantileSketch) {
        self.count = count
        self.errors = errors
        self.timeouts = timeouts
        self.durations = durations
    }

    /// Adds one event's outcome and duration.
    @inline(__always)
    public mutating func add(durationMilliseconds: Double, status: EventStatus) {
        count &+= 1
        if status != .ok {
            errors &+= 1
            if status == .timeout { timeouts &+= 1 }
        }
        durations.add(durationMilliseconds)
    }

    /// Adds the events of another aggregate.
    public mutating func merge(_ other: OperationAggregate) {
        count &+= other.count
        errors &+= other.errors
        timeouts &+= other.timeouts
        durations.merge(other.durations)
    }

    /// Sum of durations in milliseconds.
    public var totalMilliseconds: Double { durations.sum }
    /// Mean duration in milliseconds, `nil` when empty.
    public var meanMilliseconds: Double? { durations.mean }
    /// Failed events as a fraction of all events (0 when empty).
    public var errorRate: Double { count == 0 ? 0 : Double(errors) / Double(count) }
}

/// Token and cost totals of the LLM calls of one model, or the calls of one tool.
public struct UsageTotals: Sendable, Hashable {
    /// Number of events.
    public var calls: UInt64 = 0
    /// Failed events.
    public var errors: UInt64 = 0
    /// Sum of durations in milliseconds.
    public var totalMilliseconds: Double = 0
    /// Sum of `prompt_tokens`.
    public var promptTokens: Double = 0
    /// Sum of `completion_tokens`.
    public var completionTokens: Double = 0
    /// Sum of `total_tokens` (or prompt + completion where a line has no total).
    public var totalTokens: Double = 0
    /// Sum of `cost_usd`.
    public var costUSD: Double = 0
    /// Whether any event carried a `cost_usd`, so that "no cost known" is not shown as 0.
    public var hasCost = false

    /// Empty totals.
    public init() {}

    /// Adds one event's usage.
    public mutating func add(_ event: Event) {
        calls &+= 1
        if event.status.isFailure { errors &+= 1 }
        totalMilliseconds += event.durationMilliseconds
        // One pass over the attributes instead of one lookup per key: this runs for every event.
        var prompt = 0.0
        var completion = 0.0
        var total: Double?
        for attribute in event.attributes {
            guard let value = attribute.value.doubleValue else { continue }
            switch attribute.key.utf8.count {
            case 13 where attribute.key == WireKey.promptTokens: prompt = value
            case 17 where attribute.key == WireKey.completionTokens: completion = value
            case 12 where attribute.key == WireKey.totalTokens: total = value
            case 8 where attribute.key == WireKey.costUSD:
                costUSD += value
                hasCost = true
            default: break
            }
        }
        promptTokens += prompt
        completionTokens += completion
        totalTokens += total ?? (prompt + completion)
    }

    /// Adds another set of totals.
    public mutating func merge(_ other: UsageTotals) {
        calls &+= other.calls
        errors &+= other.errors
        totalMilliseconds += other.totalMilliseconds
        promptTokens += other.promptTokens
        completionTokens += other.completionTokens
        totalTokens += other.totalTokens
        costUSD += other.costUSD
        hasCost = hasCost || other.hasCost
    }
}

/// Last, min, max and mean of one gauge's samples.
public struct GaugeAggregate: Sendable, Hashable {
    /// Number of samples.
    public private(set) var count: UInt64 = 0
    /// Sum of values.
    public private(set) var sum: Double = 0
    /// Smallest value.
    public private(set) var min = Double.infinity
    /// Largest value.
    public private(set) var max = -Double.infinity
    /// The value of the latest sample by timestamp. Samples at the same instant (samples without a timestamp count
    /// as taken at the latest time seen) are tied and the larger value wins, as in the store's buckets, so that
    /// a file and the same file imported into a store give the same `last`, and merging in any order agrees.
    public private(set) var last: Double = 0
    private var lastTime: Int64 = .min

    /// When ``last`` was taken, in nanoseconds since the epoch (`Int64.min` when no sample had a timestamp).
    package var lastNanoseconds: Int64 { lastTime }

    /// No samples.
    public init() {}

    /// An aggregate made elsewhere (a store's buckets), with the time of its latest sample.
    package init(count: UInt64, sum: Double, min: Double, max: Double, last: Double, lastNanoseconds: Int64) {
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
        self.last = last
        self.lastTime = lastNanoseconds
    }

    /// Adds one sample.
    public mutating func add(_ sample: Sample) {
        let first = count == 0
        count &+= 1
        sum += sample.value
        min = Swift.min(min, sample.value)
        max = Swift.max(max, sample.value)
        takeLast(sample.value, at: sample.timestamp?.nanosecondsSinceEpoch ?? lastTime, first: first)
    }

    /// Adds the samples of another aggregate (read after this one).
    public mutating func merge(_ other: GaugeAggregate) {
        guard other.count > 0 else { return }
        let first = count == 0
        count &+= other.count
        sum += other.sum
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
        takeLast(other.last, at: other.lastTime, first: first)
    }

    private mutating func takeLast(_ value: Double, at time: Int64, first: Bool) {
        if first || time > lastTime || (time == lastTime && value > last) {
            lastTime = time
            last = value
        }
    }

    /// Mean of the values, `nil` when empty.
    public var mean: Double? { count == 0 ? nil : sum / Double(count) }
}
