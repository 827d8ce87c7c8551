/// Whether a series counts events (operations with durations and outcomes) or holds gauge samples.
public enum SeriesKind: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Events: counts, errors, durations, attribute sums.
    case event = 0
    /// Gauge samples: last, min, max, sum, count.
    case gauge = 1

    public var description: String {
        switch self {
        case .event: return "event"
        case .gauge: return "gauge"
        }
    }
}
