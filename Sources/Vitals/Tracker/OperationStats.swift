/// What a `PerformanceTracker` knows about one operation: how often it ran, how long it took, how often it
/// failed, and the distribution of its durations.
///
/// Counts, errors, the total, the minimum and the maximum are exact (from nanosecond counters); quantiles come
/// from the sketch in ``statistics`` and are within `QuantileSketch.relativeAccuracy` (1/128) of a recorded
/// value.
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
    /// Count, errors and the distribution of the durations in milliseconds; merge it with others for
    /// fleet-wide figures.
    public let statistics: EventStatistics

    /// Creates the statistics of one operation; the tracker does this for you.
    ///
    /// - Parameters:
    ///   - name: The operation's name.
    ///   - labels: Its labels.
    ///   - statistics: What was recorded for it.
    public init(name: String, labels: Labels, statistics: EventStatistics) {
        self.name = name
        self.labels = labels
        self.statistics = statistics
    }

    /// Measurements recorded, failures included. Always at least 1.
    public var count: Int { Int(truncatingIfNeeded: statistics.count) }
    /// Measurements recorded as failed (a `measure` body that threw, or `record(…, failed: true)`).
    public var errors: Int { Int(truncatingIfNeeded: statistics.errors) }
    /// The sum of all durations, in milliseconds.
    public var totalMilliseconds: Double { statistics.totalMilliseconds }
    /// The shortest duration, in milliseconds.
    public var minMilliseconds: Double { statistics.minMilliseconds ?? 0 }
    /// The longest duration, in milliseconds.
    public var maxMilliseconds: Double { statistics.maxMilliseconds ?? 0 }
    /// The mean duration, in milliseconds.
    public var meanMilliseconds: Double { statistics.meanMilliseconds ?? 0 }

    /// The duration below which a fraction `q` (0 ... 1) of the measurements fall, in milliseconds.
    ///
    /// Nearest rank over the sketch: within 1/128 of the exact recorded value at that rank, and exactly the
    /// minimum for `q == 0` and the maximum for `q == 1`.
    public func quantile(_ q: Double) -> Double {
        statistics.quantile(q) ?? 0
    }

    /// The median duration, in milliseconds.
    public var p50: Double { quantile(0.5) }
    /// The 95th percentile duration, in milliseconds.
    public var p95: Double { quantile(0.95) }
    /// The 99th percentile duration, in milliseconds.
    public var p99: Double { quantile(0.99) }
}
