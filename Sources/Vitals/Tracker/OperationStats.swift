/// What a `PerformanceTracker` knows about one operation: how often it ran, how long it took, how often it
/// failed, and the distribution of its durations.
///
/// Counts, errors, the total, the minimum and the maximum are exact (from nanosecond counters); quantiles come
/// from the `sketch` and are within `QuantileSketch.relativeAccuracy` (1/128) of a recorded value.
///
/// ```swift
/// for stats in tracker.snapshot() {
///     print(stats.name, stats.count, stats.p95)
/// }
/// ```
public struct OperationStats: Sendable, Hashable {
    /// The operation's name.
    public let name: String
    /// The operation's labels; operations with the same name and different labels are separate series.
    public let labels: Labels
    /// Measurements recorded, failures included. Always at least 1.
    public let count: Int
    /// Measurements recorded as failed (a `measure` body that threw, or `record(…, failed: true)`).
    public let errors: Int
    /// The sum of all durations, in milliseconds.
    public let totalMilliseconds: Double
    /// The shortest duration, in milliseconds.
    public let minMilliseconds: Double
    /// The longest duration, in milliseconds.
    public let maxMilliseconds: Double
    /// The distribution of the durations in milliseconds; merge it with others for fleet-wide quantiles.
    public let sketch: QuantileSketch

    /// Creates statistics from their parts; the tracker does this for you.
    public init(
        name: String,
        labels: Labels,
        count: Int,
        errors: Int,
        totalMilliseconds: Double,
        minMilliseconds: Double,
        maxMilliseconds: Double,
        sketch: QuantileSketch
    ) {
        self.name = name
        self.labels = labels
        self.count = count
        self.errors = errors
        self.totalMilliseconds = totalMilliseconds
        self.minMilliseconds = minMilliseconds
        self.maxMilliseconds = maxMilliseconds
        self.sketch = sketch
    }

    /// The mean duration, in milliseconds.
    public var meanMilliseconds: Double { count > 0 ? totalMilliseconds / Double(count) : 0 }

    /// The duration below which a fraction `q` (0 ... 1) of the measurements fall, in milliseconds.
    ///
    /// Nearest rank over the sketch: within 1/128 of the exact recorded value at that rank, and exactly the
    /// minimum for `q == 0` and the maximum for `q == 1`.
    public func quantile(_ q: Double) -> Double {
        sketch.quantile(q) ?? 0
    }

    /// The median duration, in milliseconds.
    public var p50: Double { quantile(0.5) }
    /// The 95th percentile duration, in milliseconds.
    public var p95: Double { quantile(0.95) }
    /// The 99th percentile duration, in milliseconds.
    public var p99: Double { quantile(0.99) }
}
