/// How long each kind of stored data is kept before the maintenance service deletes it.
///
/// Raw events serve drill-down (slowest, failed) and are the largest part of a database, so they go first;
/// minute buckets (and the 10-minute buckets beside them) answer the recent past at full resolution, hour
/// buckets (and 6-hour buckets) the last quarter, day buckets the long term. Buckets are only deleted once they have been rolled up into the next level, so shortening a
/// retention never loses counts from the coarser levels.
///
/// ```swift
/// var retention = RetentionPolicy.default
/// retention.rawEvents = .seconds(3 * 86_400)
/// ```
public struct RetentionPolicy: Sendable, Hashable {
    /// Raw events. Default 7 days; `METRICS_RETENTION_DAYS` sets it in ``fromEnvironment(_:)``.
    public var rawEvents: Duration
    /// Minute buckets. Default 48 hours.
    public var minuteBuckets: Duration
    /// Hour buckets. Default 90 days.
    public var hourBuckets: Duration
    /// Day buckets. Default 2 years (730 days).
    public var dayBuckets: Duration

    /// Creates a policy; every argument defaults to the documented default.
    public init(
        rawEvents: Duration = .seconds(7 * 86_400),
        minuteBuckets: Duration = .seconds(48 * 3_600),
        hourBuckets: Duration = .seconds(90 * 86_400),
        dayBuckets: Duration = .seconds(730 * 86_400)
    ) {
        self.rawEvents = rawEvents
        self.minuteBuckets = minuteBuckets
        self.hourBuckets = hourBuckets
        self.dayBuckets = dayBuckets
    }

    /// The defaults: raw events 7 days, minutes 48 hours, hours 90 days, days 2 years.
    public static let `default` = RetentionPolicy()

    /// The defaults, with raw-event retention taken from `METRICS_RETENTION_DAYS` when it holds a positive
    /// number of days (fractions allowed).
    ///
    /// - Throws: ``StoreError`` of code ``StoreError/Code/invalidConfiguration`` naming the variable and its
    ///   value when it is not a positive number.
    public static func fromEnvironment(_ environment: [String: String]) throws(StoreError) -> RetentionPolicy {
        var policy = RetentionPolicy.default
        if let text = environment["METRICS_RETENTION_DAYS"] {
            guard let days = Double(text.trimmingWhitespace()), days > 0, days.isFinite else {
                throw StoreError(
                    code: .invalidConfiguration,
                    message: "METRICS_RETENTION_DAYS=\(text): expected a positive number of days, e.g. 7"
                )
            }
            policy.rawEvents = .milliseconds(Int64((days * 86_400_000).rounded()))
        }
        return policy
    }

    /// The retention of one bucket level: 10-minute buckets are kept as long as minute buckets (they answer the
    /// edges of the same recent ranges), 6-hour buckets as long as hour buckets.
    package func retention(of level: BucketLevel) -> Duration {
        switch level {
        case .minute, .tenMinutes: return minuteBuckets
        case .hour, .sixHours: return hourBuckets
        case .day: return dayBuckets
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    package func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return self[first...last]
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating at the ends of `Int64` instead of wrapping (a window or a
    /// step from a query string may be any size).
    package var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflowAgain) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow || overflowAgain ? (seconds < 0 ? .min : .max) : total
    }
}
