/// Counts, outcomes, the distribution of durations and attribute sums of a set of events: one operation of
/// `vitals summary`, one bucket of a store's series, any merge of buckets (a query's answer), or the events a
/// rule sees for one series.
///
/// It is the one event aggregate of every module: the file summary, the store, the rules and the reports all
/// keep this type, so the same events give the same figures whichever path read them.
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

    /// Creates statistics from stored parts (a store's bucket row).
    ///
    /// - Parameters:
    ///   - count: Number of events.
    ///   - errors: Events that did not end `ok`.
    ///   - timeouts: Events that timed out (also counted in `errors`).
    ///   - durations: The sketch of their durations in milliseconds.
    ///   - attributeSums: Sums of additive numeric attributes; none by default.
    public init(
        count: UInt64,
        errors: UInt64,
        timeouts: UInt64,
        durations: QuantileSketch,
        attributeSums: [String: Double] = [:]
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
