public import Vitals

/// A half-open time range `[from, to)`.
///
/// Bucket queries widen it to whole minutes (the finest bucket): `from` down, `to` up, so the minute that is
/// still filling is included.
public struct TimeRange: Sendable, Hashable, CustomStringConvertible {
    /// The first instant included.
    public var from: Timestamp
    /// The first instant after the range.
    public var to: Timestamp

    /// Creates a range.
    public init(from: Timestamp, to: Timestamp) {
        self.from = from
        self.to = to
    }

    /// The `duration` before `end` (by default, now): `TimeRange.last(.seconds(86_400))` is the last 24 hours.
    public static func last(_ duration: Duration, endingAt end: Timestamp = .now()) -> TimeRange {
        let (start, overflow) = end.nanosecondsSinceEpoch.subtractingReportingOverflow(duration.nanoseconds)
        return TimeRange(from: Timestamp(nanosecondsSinceEpoch: overflow ? .min : start), to: end)
    }

    /// The length in seconds (computed without overflow, whatever the endpoints).
    public var seconds: Double { (Double(to.nanosecondsSinceEpoch) - Double(from.nanosecondsSinceEpoch)) / 1e9 }

    /// The times a store files records under: from 1970-01-01 up to (not including) 2200-01-01 UTC.
    ///
    /// Records outside are rejected at ingest, so cutting a query to these times changes no answer, and every
    /// bucket computation on times inside (a day's end, a step's end) stays far from `Int64` overflow.
    package static let storable = TimeRange(
        from: Timestamp(nanosecondsSinceEpoch: 0),
        to: Timestamp(nanosecondsSinceEpoch: 7_258_118_400_000_000_000)
    )

    /// Whether the store files a record at this time (see ``storable``).
    package static func isStorable(_ nanoseconds: Int64) -> Bool {
        nanoseconds >= storable.from.nanosecondsSinceEpoch && nanoseconds < storable.to.nanosecondsSinceEpoch
    }

    /// This range cut to ``storable``; `nil` when nothing is left.
    package var storablePart: TimeRange? {
        let from = max(from, Self.storable.from)
        let to = min(to, Self.storable.to)
        return from < to ? TimeRange(from: from, to: to) : nil
    }

    public var description: String { "[\(from.nanosecondsSinceEpoch), \(to.nanosecondsSinceEpoch)) ns" }
}

/// Statistics of one event or gauge name over a time range, filtered by label matchers and grouped by labels.
///
/// ```swift
/// let query = StatsQuery(
///     name: "llm_call",
///     range: .last(.seconds(86_400)),
///     matchers: [.equal("service", "support-bot")],
///     groupBy: ["model"]
/// )
/// for group in try await store.eventStats(query) {
///     print(group.labels, group.statistics.count, group.statistics.quantile(0.95) ?? 0)
/// }
/// ```
public struct StatsQuery: Sendable, Hashable {
    /// The event or gauge name.
    public var name: String
    /// The time range.
    public var range: TimeRange
    /// Conditions every counted series must meet.
    public var matchers: [LabelMatcher]
    /// Labels to group by; empty puts everything in one group. A series lacking a label groups under `""`;
    /// the overflow series groups under `__overflow__` for every key.
    public var groupBy: [String]

    /// Creates a query.
    public init(name: String, range: TimeRange, matchers: [LabelMatcher] = [], groupBy: [String] = []) {
        self.name = name
        self.range = range
        self.matchers = matchers
        self.groupBy = groupBy
    }
}

/// The events of one group over a query's range.
public struct EventStatsGroup: Sendable, Hashable {
    /// The values of the `groupBy` labels, in the query's order.
    public var labels: Labels
    /// Counts, outcomes, durations and attribute sums.
    public var statistics: EventStatistics
    /// The length of the range the statistics cover, in seconds (for rates).
    public var seconds: Double

    /// Creates a group.
    public init(labels: Labels, statistics: EventStatistics, seconds: Double) {
        self.labels = labels
        self.statistics = statistics
        self.seconds = seconds
    }

    /// Events per second over the range.
    public var ratePerSecond: Double { seconds > 0 ? Double(statistics.count) / seconds : 0 }
}

/// The samples of one gauge group over a query's range.
public struct GaugeStatsGroup: Sendable, Hashable {
    /// The values of the `groupBy` labels, in the query's order.
    public var labels: Labels
    /// Last, min, max, sum and count.
    public var statistics: GaugeStatistics

    /// Creates a group.
    public init(labels: Labels, statistics: GaugeStatistics) {
        self.labels = labels
        self.statistics = statistics
    }
}

/// One group's statistics per step.
public struct TimeSeries<Statistics: Sendable & Hashable>: Sendable, Hashable {
    /// One step: its start and what happened in it. Steps without data are left out.
    public struct Point: Sendable, Hashable {
        /// The step's start.
        public var start: Timestamp
        /// What happened in the step.
        public var statistics: Statistics

        /// Creates a point.
        public init(start: Timestamp, statistics: Statistics) {
            self.start = start
            self.statistics = statistics
        }
    }

    /// The values of the `groupBy` labels.
    public var labels: Labels
    /// The steps with data, oldest first.
    public var points: [Point]

    /// Creates a time series.
    public init(labels: Labels, points: [Point]) {
        self.labels = labels
        self.points = points
    }
}

/// Event statistics per step.
public typealias EventTimeSeries = TimeSeries<EventStatistics>
/// Gauge statistics per step.
public typealias GaugeTimeSeries = TimeSeries<GaugeStatistics>
