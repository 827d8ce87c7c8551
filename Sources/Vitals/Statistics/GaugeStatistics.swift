/// Count, sum, min, max and the latest value of a gauge's samples: one gauge of `vitals summary`, one bucket of
/// a store's series, or any merge of them.
///
/// ``last`` follows one rule everywhere: the sample with the later timestamp wins; samples taken at the same
/// instant are tied and the larger value wins. A sample without a timestamp counts as taken at the latest time
/// seen so far. The rule does not depend on the order samples or buckets are added, so a JSONL file and the
/// same file imported into a store (whose buckets a backend may merge in any order) report the same `last`.
///
/// ```swift
/// var depth = GaugeStatistics()
/// depth.add(5, at: Timestamp(nanosecondsSinceEpoch: 1))
/// depth.add(3, at: Timestamp(nanosecondsSinceEpoch: 2))
/// depth.add(4, at: Timestamp(nanosecondsSinceEpoch: 2))
/// print(depth.last, depth.max)  // 4.0 5.0
/// ```
public struct GaugeStatistics: Sendable, Hashable {
    /// Number of samples.
    public var count: UInt64
    /// Sum of the values.
    public var sum: Double
    /// Smallest value (`+infinity` when empty).
    public var min: Double
    /// Largest value (`-infinity` when empty).
    public var max: Double
    /// The value of the latest sample (`-infinity` when empty); see the type's discussion for ties.
    public var last: Double
    /// When the latest sample was taken (`Int64.min` nanoseconds when empty or when no sample had a timestamp).
    public var lastTime: Timestamp

    /// No samples.
    public init() {
        self.init(
            count: 0,
            sum: 0,
            min: .infinity,
            max: -.infinity,
            last: -.infinity,
            lastTime: Timestamp(nanosecondsSinceEpoch: .min)
        )
    }

    /// Creates statistics from stored parts (a store's bucket row).
    ///
    /// - Parameters:
    ///   - count: Number of samples.
    ///   - sum: Sum of their values.
    ///   - min: Smallest value.
    ///   - max: Largest value.
    ///   - last: Value of the latest sample.
    ///   - lastTime: When the latest sample was taken.
    public init(count: UInt64, sum: Double, min: Double, max: Double, last: Double, lastTime: Timestamp) {
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
        self.last = last
        self.lastTime = lastTime
    }

    /// When ``last`` was taken, in nanoseconds since the epoch.
    package var lastNanoseconds: Int64 { lastTime.nanosecondsSinceEpoch }

    /// Adds one sample taken at `time`.
    ///
    /// - Parameters:
    ///   - value: The sample's value.
    ///   - time: When it was taken.
    public mutating func add(_ value: Double, at time: Timestamp) {
        count &+= 1
        sum += value
        min = Swift.min(min, value)
        max = Swift.max(max, value)
        takeLast(value, at: time)
    }

    /// Adds one sample; one without a timestamp counts as taken at the latest time seen so far.
    public mutating func add(_ sample: Sample) {
        add(sample.value, at: sample.timestamp ?? lastTime)
    }

    /// Adds the samples of `other`.
    public mutating func merge(_ other: GaugeStatistics) {
        guard other.count > 0 else { return }
        count &+= other.count
        sum += other.sum
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
        takeLast(other.last, at: other.lastTime)
    }

    private mutating func takeLast(_ value: Double, at time: Timestamp) {
        // `last` starts at -infinity, so the first sample wins even at the earliest representable time.
        if time > lastTime {
            last = value
            lastTime = time
        } else if time == lastTime {
            last = Swift.max(last, value)
        }
    }

    /// Mean of the values, `nil` when empty.
    public var mean: Double? { count == 0 ? nil : sum / Double(count) }
}
