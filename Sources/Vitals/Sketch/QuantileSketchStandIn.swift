// Temporary stand-in for the sketch helper's QuantileSketch so that branch `rules` builds before it lands.
// Deleted in the commit that merges main with the real implementation.

/// Stand-in with the contract's API (dictionary of bucket counts).
public struct QuantileSketch: Sendable, Hashable {
    private var buckets: [Int: UInt64] = [:]
    private var zeroCount: UInt64 = 0
    public private(set) var count: UInt64 = 0
    public private(set) var sum: Double = 0
    public private(set) var min: Double?
    public private(set) var max: Double?

    public init() {}

    public var mean: Double? { count == 0 ? nil : sum / Double(count) }

    public mutating func add(_ value: Double) { add(value, count: 1) }

    public mutating func add(_ value: Double, count n: UInt64) {
        guard n > 0 else { return }
        let v = value.isNaN ? 0 : Swift.min(value, Double.greatestFiniteMagnitude)
        count += n
        sum += v * Double(n)
        min = Swift.min(min ?? v, v)
        max = Swift.max(max ?? v, v)
        if v <= 0 { zeroCount += n } else { buckets[SketchMapping.index(of: v), default: 0] += n }
    }

    public mutating func merge(_ other: QuantileSketch) {
        guard other.count > 0 else { return }
        count += other.count
        sum += other.sum
        zeroCount += other.zeroCount
        min = Swift.min(min ?? other.min!, other.min!)
        max = Swift.max(max ?? other.max!, other.max!)
        buckets.merge(other.buckets, uniquingKeysWith: +)
    }

    public func quantile(_ q: Double) -> Double? {
        guard count > 0, let min, let max else { return nil }
        if q <= 0 { return min }
        if q >= 1 { return max }
        let rank = Swift.max(1, UInt64((q * Double(count)).rounded(.up)))
        var seen = zeroCount
        if seen >= rank { return Swift.min(Swift.max(0, min), max) }
        for index in buckets.keys.sorted() {
            seen += buckets[index]!
            if seen >= rank { return Swift.min(Swift.max(SketchMapping.representative(of: index), min), max) }
        }
        return max
    }
}
