import CVitalsShims

/// A point in wall-clock time, in nanoseconds since the Unix epoch (UTC).
///
/// Events carry timestamps as RFC 3339 strings on the wire (`2025-12-15T04:08:08.123456Z`); in memory
/// they are a single integer so that comparing, subtracting and bucketing them costs nothing.
///
/// ```swift
/// let start = Timestamp.now()
/// let end = start.adding(milliseconds: 111.5)
/// print(end.milliseconds(since: start))  // 111.5
/// ```
public struct Timestamp: Sendable, Hashable, Comparable {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public var nanosecondsSinceEpoch: Int64

    /// Creates a timestamp from nanoseconds since the Unix epoch.
    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    /// The current wall-clock time.
    public static func now() -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: vitals_realtime_ns())
    }

    /// This timestamp moved by a (possibly fractional, possibly negative) number of milliseconds.
    public func adding(milliseconds: Double) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: nanosecondsSinceEpoch &+ Int64((milliseconds * 1_000_000).rounded()))
    }

    /// The milliseconds from `other` to this timestamp (negative when `other` is later).
    public func milliseconds(since other: Timestamp) -> Double {
        let (difference, overflow) = nanosecondsSinceEpoch.subtractingReportingOverflow(other.nanosecondsSinceEpoch)
        // Times almost 300 years apart overflow Int64 nanoseconds: their difference is taken in Double instead of
        // wrapping round to a time of the opposite sign.
        if overflow { return (Double(nanosecondsSinceEpoch) - Double(other.nanosecondsSinceEpoch)) / 1_000_000 }
        return Double(difference) / 1_000_000
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }
}
