public import Vitals

/// The durations of every operation (or `--by` group) of one side of a comparison.
///
/// ```swift
/// var baseline = DurationSampleSet()
/// for event in baselineEvents { baseline.add(event) }
/// ```
public struct DurationSampleSet: Sendable {
    /// Labels that split operations, as in `RegressionOptions.groupBy`.
    public let groupBy: [String]
    /// Durations per operation.
    package private(set) var operations: [EventSummary.GroupKey: DurationReservoir] = [:]
    private let capacity: Int

    /// An empty set.
    public init(groupBy: [String] = [], capacity: Int = RegressionOptions.defaultReservoirCapacity) {
        self.groupBy = groupBy
        self.capacity = capacity
    }

    /// Adds one event's duration to its operation.
    public mutating func add(_ event: Event) {
        let key = EventSummary.GroupKey(
            name: event.name,
            labelValues: groupBy.map { event.labelOrAttribute($0) ?? "" }
        )
        // Seed each operation's sampling from its name so that runs are repeatable whatever the order.
        if operations[key] == nil {
            var hasher = StableHash()
            hasher.add(key.name)
            for value in key.labelValues { hasher.add(value) }
            operations[key] = DurationReservoir(capacity: capacity, seed: hasher.value)
        }
        operations[key]!.add(event.durationMilliseconds)
    }

    /// Adds durations directly (for callers that have them already).
    public mutating func add(_ milliseconds: Double, to key: EventSummary.GroupKey) {
        operations[key, default: DurationReservoir(capacity: capacity)].add(milliseconds)
    }
}

/// FNV-1a over UTF-8: a hash that, unlike `Hasher`, is the same in every process.
struct StableHash {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01B3
        }
        value ^= 0xFF
        value = value &* 0x100_0000_01B3
    }
}
