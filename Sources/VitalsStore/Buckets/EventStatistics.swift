public import Vitals

/// Counts, outcomes, the distribution of durations and attribute sums of a set of events: one bucket of one
/// series, or any merge of buckets (a query's answer).
///
/// Merging is associative and commutative, which is what lets minute buckets roll up into hours and days and
/// any window be answered by merging the buckets that cover it. Quantiles come from the merged sketch and are
/// within ``QuantileSketch/relativeAccuracy`` of the exact values; count, sum, min and max are exact.
///
/// ```swift
/// var statistics = EventStatistics()
/// statistics.add(durationMilliseconds: 120, status: .ok, sums: ["cost_usd": 0.002])
/// print(statistics.quantile(0.95) ?? 0)  // 120 (within 0.8 %)
/// ```
public struct EventStatistics: Sendable, Hashable {
    /// Number of events.
    public var count: UInt64
    /// Events that did not end `ok` (errors, timeouts, cancellations).
    public var errors: UInt64
    /// Events that timed out (also counted in ``errors``).
    public var timeouts: UInt64
    /// Durations in milliseconds.
    public var durations: QuantileSketch
    /// Sums of the additive numeric attributes (tokens, `cost_usd`) over the events that carry them.
    public var attributeSums: [String: Double]

    /// No events.
    public init() {
        self.count = 0
        self.errors = 0
        self.timeouts = 0
        self.durations = QuantileSketch()
        self.attributeSums = [:]
    }

    /// Creates statistics from stored parts.
    public init(
        count: UInt64,
        errors: UInt64,
        timeouts: UInt64,
        durations: QuantileSketch,
        attributeSums: [String: Double]
    ) {
        self.count = count
        self.errors = errors
        self.timeouts = timeouts
        self.durations = durations
        self.attributeSums = attributeSums
    }

    /// Adds one event.
    @inline(__always)
    public mutating func add(durationMilliseconds: Double, status: EventStatus) {
        count &+= 1
        if status.isFailure {
            errors &+= 1
            if status == .timeout { timeouts &+= 1 }
        }
        durations.add(durationMilliseconds)
    }

    /// Adds one event: its outcome, its duration, and its numeric attributes named in `additiveAttributes`.
    @inline(__always)
    public mutating func add(_ event: Event, additiveAttributes: Set<String>) {
        add(durationMilliseconds: event.durationMilliseconds, status: event.status)
        for attribute in event.attributes.elements where additiveAttributes.contains(attribute.key) {
            if let value = attribute.value.doubleValue, value.isFinite { addToSum(attribute.key, value) }
        }
    }

    /// Adds `value` to the sum of `attribute`.
    @inline(__always)
    public mutating func addToSum(_ attribute: String, _ value: Double) {
        attributeSums[attribute, default: 0] += value
    }

    /// Adds everything of `other`.
    public mutating func merge(_ other: EventStatistics) {
        count &+= other.count
        errors &+= other.errors
        timeouts &+= other.timeouts
        durations.merge(other.durations)
        for (key, value) in other.attributeSums { attributeSums[key, default: 0] += value }
    }

    /// Failed events as a fraction of all events; 0 when there are none.
    public var errorRate: Double { count == 0 ? 0 : Double(errors) / Double(count) }
    /// Sum of durations in milliseconds.
    public var totalMilliseconds: Double { durations.sum }
    /// Mean duration in milliseconds, `nil` when empty.
    public var meanMilliseconds: Double? { durations.mean }
    /// Shortest duration in milliseconds, `nil` when empty.
    public var minMilliseconds: Double? { durations.min }
    /// Longest duration in milliseconds, `nil` when empty.
    public var maxMilliseconds: Double? { durations.max }

    /// The duration at quantile `q` (0…1) in milliseconds, `nil` when empty.
    public func quantile(_ q: Double) -> Double? { durations.quantile(q) }
}

/// Last, min, max, sum and count of a gauge's samples in one bucket, or in any merge of buckets.
///
/// ```swift
/// var depth = GaugeStatistics()
/// depth.add(5, at: Timestamp(nanosecondsSinceEpoch: 1))
/// depth.add(3, at: Timestamp(nanosecondsSinceEpoch: 2))
/// print(depth.last, depth.max)  // 3.0 5.0
/// ```
public struct GaugeStatistics: Sendable, Hashable {
    /// Number of samples.
    public var count: UInt64
    /// Sum of the values.
    public var sum: Double
    /// Smallest value (`+infinity` when empty).
    public var min: Double
    /// Largest value (`-infinity` when empty).
    public var max: Double
    /// The value of the latest sample.
    public var last: Double
    /// When the latest sample was taken.
    public var lastTime: Timestamp

    /// No samples.
    public init() {
        self.init(
            count: 0,
            sum: 0,
            min: .infinity,
            max: -.infinity,
            last: -.infinity,
            lastTime: Timestamp(nanosecondsSinceEpoch: .min)
        )
    }

    /// Creates statistics from stored parts.
    public init(count: UInt64, sum: Double, min: Double, max: Double, last: Double, lastTime: Timestamp) {
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
        self.last = last
        self.lastTime = lastTime
    }

    /// Adds one sample; the latest by time becomes ``last``.
    ///
    /// Samples taken at the same instant are tied; the larger value wins, so that merging buckets in any order
    /// (as two backends may) gives the same answer.
    public mutating func add(_ value: Double, at time: Timestamp) {
        count &+= 1
        sum += value
        min = Swift.min(min, value)
        max = Swift.max(max, value)
        takeLast(value, at: time)
    }

    /// Adds the samples of `other`.
    public mutating func merge(_ other: GaugeStatistics) {
        guard other.count > 0 else { return }
        count &+= other.count
        sum += other.sum
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
        takeLast(other.last, at: other.lastTime)
    }

    private mutating func takeLast(_ value: Double, at time: Timestamp) {
        if time > lastTime {
            last = value
            lastTime = time
        } else if time == lastTime {
            last = Swift.max(last, value)
        }
    }

    /// Mean of the values, `nil` when empty.
    public var mean: Double? { count == 0 ? nil : sum / Double(count) }
}
