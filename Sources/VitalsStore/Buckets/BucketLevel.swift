/// The resolution of a bucket: minutes roll up into hours, hours into days.
public enum BucketLevel: Int, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// One minute.
    case minute = 0
    /// One hour.
    case hour = 1
    /// One day (UTC).
    case day = 2

    /// The bucket's width in nanoseconds.
    public var nanoseconds: Int64 {
        switch self {
        case .minute: return 60_000_000_000
        case .hour: return 3_600_000_000_000
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
    public var finer: BucketLevel? { BucketLevel(rawValue: rawValue - 1) }
    /// The next coarser level, `nil` for days.
    public var coarser: BucketLevel? { BucketLevel(rawValue: rawValue + 1) }

    public static func < (lhs: BucketLevel, rhs: BucketLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .minute: return "minute"
        case .hour: return "hour"
        case .day: return "day"
        }
    }
}
