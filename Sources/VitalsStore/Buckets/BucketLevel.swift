/// The resolution of a bucket: minutes roll up into 10 minutes, those into hours, hours into 6 hours, 6 hours
/// into days.
///
/// Each width divides the next, so a coarser bucket is always a whole number of finer ones, and a range is
/// answered by the coarsest buckets that fit inside it with finer ones at its edges: a day ending at 14:59 reads
/// three 6-hour buckets, five hours, five 10-minute buckets and nine minutes per series instead of 23 hours and 60
/// minutes.
///
/// The raw value is what the databases store; it does not follow the order (the 10-minute and 6-hour levels came
/// later). Order levels with `<`, ``finer`` and ``coarser``.
public enum BucketLevel: Int, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// One minute.
    case minute = 0
    /// One hour.
    case hour = 1
    /// One day (UTC).
    case day = 2
    /// Ten minutes.
    case tenMinutes = 3
    /// Six hours (UTC, starting at midnight).
    case sixHours = 4

    /// Every level, finest first.
    public static let allCases: [BucketLevel] = [.minute, .tenMinutes, .hour, .sixHours, .day]

    /// The position in ``allCases``.
    private var rank: Int {
        switch self {
        case .minute: return 0
        case .tenMinutes: return 1
        case .hour: return 2
        case .sixHours: return 3
        case .day: return 4
        }
    }

    /// The bucket's width in nanoseconds.
    public var nanoseconds: Int64 {
        switch self {
        case .minute: return 60_000_000_000
        case .tenMinutes: return 600_000_000_000
        case .hour: return 3_600_000_000_000
        case .sixHours: return 21_600_000_000_000
        case .day: return 86_400_000_000_000
        }
    }

    /// The start of the bucket holding `time` (nanoseconds since the epoch), rounding towards the past.
    @inline(__always)
    public func start(of time: Int64) -> Int64 {
        let width = nanoseconds
        let remainder = time % width
        return remainder < 0 ? time - remainder - width : time - remainder
    }

    /// The first bucket start at or after `time`.
    public func ceiling(of time: Int64) -> Int64 {
        let floor = start(of: time)
        return floor == time ? time : floor + nanoseconds
    }

    /// The next finer level, `nil` for minutes.
    public var finer: BucketLevel? { rank > 0 ? Self.allCases[rank - 1] : nil }
    /// The next coarser level, `nil` for days.
    public var coarser: BucketLevel? { rank + 1 < Self.allCases.count ? Self.allCases[rank + 1] : nil }

    public static func < (lhs: BucketLevel, rhs: BucketLevel) -> Bool { lhs.rank < rhs.rank }

    public var description: String {
        switch self {
        case .minute: return "minute"
        case .tenMinutes: return "10-minute"
        case .hour: return "hour"
        case .sixHours: return "6-hour"
        case .day: return "day"
        }
    }
}
