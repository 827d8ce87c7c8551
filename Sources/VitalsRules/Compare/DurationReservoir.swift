/// The raw durations of one operation for `vitals compare`, kept whole up to `capacity` and sampled uniformly
/// beyond it (reservoir sampling, algorithm R), so memory stays bounded whatever the input size.
///
/// A significance test needs the individual values, which a quantile sketch does not keep. With the default
/// 100,000 values per operation a comparison of two files uses at most about 1.6 MB per operation, and the
/// sample is still far larger than a rank test needs. Sampling is seeded, so a comparison is repeatable.
package struct DurationReservoir: Sendable, Hashable {
    /// Values kept per operation by default.
    package static let defaultCapacity = RegressionOptions.defaultReservoirCapacity

    /// The most values kept.
    package let capacity: Int
    /// Durations seen in all (kept or not).
    package private(set) var seen: UInt64 = 0
    /// The kept durations, in milliseconds, in no particular order.
    package private(set) var values: [Double] = []
    private var random: SplitMix64

    /// An empty reservoir.
    package init(capacity: Int = DurationReservoir.defaultCapacity, seed: UInt64 = 0x5EED) {
        precondition(capacity > 0, "a reservoir keeps at least one value")
        self.capacity = capacity
        self.random = SplitMix64(seed: seed)
    }

    /// Adds one duration; once full, it replaces a random kept value with probability capacity / seen.
    package mutating func add(_ milliseconds: Double) {
        seen &+= 1
        if values.count < capacity {
            values.append(milliseconds)
            return
        }
        let slot = UInt64.random(in: 0..<seen, using: &random)
        if slot < UInt64(capacity) { values[Int(slot)] = milliseconds }
    }

    /// Whether some durations were dropped by sampling.
    package var isSampled: Bool { seen > UInt64(values.count) }
}
