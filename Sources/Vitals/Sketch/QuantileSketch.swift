/// A mergeable summary of a stream of non-negative values that answers quantiles within 1/128 (0.78 %)
/// relative error.
///
/// Each positive value is counted in a bucket chosen by `SketchMapping` (64 buckets per power of two, read
/// from the IEEE-754 bits), so a quantile is reported as the midpoint of the bucket that holds the exact
/// nearest-rank value, clamped into the exact `[min, max]`. Count, sum, min and max are kept exactly.
///
/// Zero, negative values and NaN are recorded as `0` in a separate zero bucket (durations and token counts
/// are never negative; a negative one is a clock or data error, and recording it as 0 keeps `sum`, `min`
/// and `mean` consistent with the quantiles). `+infinity` is recorded as `Double.greatestFiniteMagnitude`.
///
/// Merging is exact: merging sketches of the parts of a data set gives the same buckets, count, min and max
/// as one sketch of the whole, in any order and grouping (`merge` is associative and commutative); only
/// `sum` may differ in the last bits because floating-point addition is not associative.
///
/// ## Memory bound
/// Buckets are stored densely (8 bytes each) over the range they cover, which grows on either side as
/// values arrive, keeping at most half as much spare room again (at least 64 buckets in all). The range is
/// capped at ``maximumBucketCount`` buckets (4096 = 64 powers of two, 32 KiB): a sketch never holds more
/// than 32 KiB of counts, and typical latency data spanning 10 powers of two takes about 8 KiB.
/// When a value would stretch it further, the *lowest* buckets are collapsed into the lowest kept one.
/// This only changes quantiles whose values lie in the collapsed range, which needs values spanning more
/// than 64 powers of two (a max/min ratio above 1.8e19, e.g. 1 ns and 580 years) — never for durations,
/// costs or token counts in practice. Count, sum, min and max stay exact regardless.
///
/// ## Encoding
/// ``encoded()`` produces a compact, versioned binary form (varints, run-length coded empty buckets); a
/// minute of an LLM-call series (about 60 values) takes about 90 bytes. ``init(decoding:)`` validates
/// every field and throws ``SketchDecodingError`` on corrupt input.
///
/// ```swift
/// var minute = QuantileSketch()
/// for milliseconds in [812.0, 1_204.5, 950.2, 4_310.0] {
///     minute.add(milliseconds)
/// }
/// var hour = QuantileSketch()
/// hour.merge(minute)
/// let p95 = hour.quantile(0.95)  // ≈ 4310, within 1/128
/// let stored = hour.encoded()
/// let restored = try QuantileSketch(decoding: stored)
/// assert(restored == hour)
/// ```
public struct QuantileSketch: Sendable {
    /// The largest relative error of a quantile answer: half a bucket's relative width, 1/128 (0.78125 %).
    ///
    /// For any `q`, `quantile(q)` differs from the exact nearest-rank value `x` by at most
    /// `relativeAccuracy * x` (for values in normal floating-point range and outside a collapsed range;
    /// see the memory bound in the type's discussion).
    public static let relativeAccuracy: Double = 1.0 / 128.0

    /// The most buckets a sketch keeps for positive values: 4096, i.e. 64 powers of two, 32 KiB of counts.
    ///
    /// Beyond this span the lowest buckets are collapsed into the lowest kept one.
    public static let maximumBucketCount = 4096

    /// The bucket of `Double.greatestFiniteMagnitude`, the highest index a value can reach.
    static let maximumIndex = SketchMapping.index(of: .greatestFiniteMagnitude)

    static let initialBucketCount = 64

    /// Counts of buckets `offset ..< offset + storage.count`; zeros at either end are padding for growth.
    var storage: [UInt64] = []
    /// The bucket index of `storage[0]`.
    var offset = 0
    /// Values recorded as 0 (zero, negative, NaN).
    var zeros: UInt64 = 0
    var total: UInt64 = 0
    var sumOfValues: Double = 0
    /// `+infinity` while empty, so the first value always replaces it.
    var minimum: Double = .infinity
    /// `-infinity` while empty.
    var maximum: Double = -.infinity

    /// Creates an empty sketch.
    public init() {}

    /// Recreates a sketch from its parts, e.g. as a store keeps them in columns.
    ///
    /// `counts[i]` is the count of bucket `firstIndex + i`. A span longer than ``maximumBucketCount`` is
    /// collapsed as described in the type's discussion. `sum`, `min` and `max` are taken as given (the caller
    /// vouches that they came from a sketch with these counts) and ignored when every count is zero.
    package init(zeroCount: UInt64, firstIndex: Int, counts: [UInt64], sum: Double, min: Double, max: Double) {
        precondition(
            counts.isEmpty || (firstIndex >= 0 && firstIndex <= Self.maximumIndex - (counts.count - 1)),
            "bucket indices \(firstIndex)..<\(firstIndex + counts.count) outside 0...\(Self.maximumIndex)"
        )
        zeros = zeroCount
        total = zeroCount
        if let low = counts.firstIndex(where: { $0 != 0 }), let high = counts.lastIndex(where: { $0 != 0 }) {
            accommodate(low: firstIndex + low, high: firstIndex + high)
            for position in low...high where counts[position] != 0 {
                total += counts[position]
                storage[Swift.max(firstIndex + position - offset, 0)] += counts[position]
            }
        }
        if total > 0 {
            sumOfValues = sum
            minimum = min
            maximum = max
        }
    }

    /// The number of values recorded.
    public var count: UInt64 { total }

    /// The sum of the recorded values (with negative values and NaN counted as 0).
    ///
    /// May be `+infinity` if the values are astronomically large; never NaN.
    public var sum: Double { sumOfValues }

    /// The exact smallest recorded value, or `nil` when the sketch is empty.
    public var min: Double? { total > 0 ? minimum : nil }

    /// The exact largest recorded value, or `nil` when the sketch is empty.
    public var max: Double? { total > 0 ? maximum : nil }

    /// The arithmetic mean (`sum / count`), or `nil` when the sketch is empty.
    public var mean: Double? { total > 0 ? sumOfValues / Double(total) : nil }

    /// Whether no value has been recorded.
    public var isEmpty: Bool { total == 0 }

    /// Records one value.
    ///
    /// Zero, negative values and NaN are recorded as 0; `+infinity` as `Double.greatestFiniteMagnitude`.
    /// Amortised O(1): a shift, a subtraction, a bounds check and an increment when the value's bucket is
    /// already covered.
    ///
    /// - Parameter value: The value to record, e.g. a duration in milliseconds.
    public mutating func add(_ value: Double) {
        total += 1
        guard value > 0 else {
            recordZeros(1)
            return
        }
        let clamped = value < .greatestFiniteMagnitude ? value : .greatestFiniteMagnitude
        sumOfValues += clamped
        if clamped < minimum { minimum = clamped }
        if clamped > maximum { maximum = clamped }
        let index = SketchMapping.index(of: clamped)
        let slot = index &- offset
        if UInt(bitPattern: slot) < UInt(bitPattern: storage.count) {
            storage[slot] &+= 1
        } else {
            addOutsideWindow(index: index, count: 1)
        }
    }

    /// Records the same value `count` times, as if ``add(_:)`` were called `count` times.
    ///
    /// `sum` grows by `value * count` (one rounding instead of `count`). A `count` of 0 changes nothing.
    ///
    /// - Parameters:
    ///   - value: The value to record; treated as in ``add(_:)``.
    ///   - count: How many times to record it.
    public mutating func add(_ value: Double, count: UInt64) {
        guard count > 0 else { return }
        total += count
        guard value > 0 else {
            recordZeros(count)
            return
        }
        let clamped = value < .greatestFiniteMagnitude ? value : .greatestFiniteMagnitude
        sumOfValues += clamped * Double(count)
        minimum = Swift.min(minimum, clamped)
        maximum = Swift.max(maximum, clamped)
        let index = SketchMapping.index(of: clamped)
        let slot = index &- offset
        if UInt(bitPattern: slot) < UInt(bitPattern: storage.count) {
            storage[slot] &+= count
        } else {
            addOutsideWindow(index: index, count: count)
        }
    }

    /// Adds every value recorded in `other` to this sketch.
    ///
    /// The result is exactly the sketch of both data sets together: `merge` is commutative and associative
    /// in buckets, count, min and max (`sum` may differ by floating-point rounding). Cost is linear in the
    /// number of buckets `other` spans.
    ///
    /// ```swift
    /// var day = QuantileSketch()
    /// for minute in minutes { day.merge(minute) }
    /// ```
    ///
    /// - Parameter other: The sketch to fold in; it is not changed.
    public mutating func merge(_ other: QuantileSketch) {
        guard other.total > 0 else { return }
        guard total > 0 else {
            self = other
            return
        }
        // Checking the total first guarantees that no single bucket sum below can overflow.
        total += other.total
        zeros &+= other.zeros
        sumOfValues += other.sumOfValues
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
        guard let slots = other.occupiedSlots() else { return }
        accommodate(low: other.offset + slots.lowerBound, high: other.offset + slots.upperBound)
        // After `accommodate`, an index below the window can only be one that collapses into slot 0.
        let shift = other.offset - offset
        other.storage.withUnsafeBufferPointer { source in
            storage.withUnsafeMutableBufferPointer { target in
                var from = slots.lowerBound
                if from + shift < 0 {
                    // Collapsed part: every bucket below the window lands in slot 0.
                    while from + shift < 0, from <= slots.upperBound {
                        target[0] &+= source[from]
                        from += 1
                    }
                }
                guard from <= slots.upperBound, let sourceBase = source.baseAddress,
                    let targetBase = target.baseAddress
                else { return }
                let input = sourceBase + from
                let output = targetBase + (from + shift)
                for position in 0..<(slots.upperBound - from + 1) {
                    output[position] &+= input[position]
                }
            }
        }
    }

    /// The value at quantile `q` by the nearest-rank definition, within ``relativeAccuracy``.
    ///
    /// The rank is `max(1, ceil(q * count))`; the answer is the midpoint of the bucket holding the
    /// rank-th smallest value (the zero bucket first, answering 0), clamped into `[min, max]`. `q <= 0`
    /// answers the exact `min` and `q >= 1` the exact `max`.
    ///
    /// ```swift
    /// let p99 = sketch.quantile(0.99) ?? 0
    /// ```
    ///
    /// - Parameter q: The quantile, from 0 to 1 (0.5 for the median).
    /// - Returns: The estimate, or `nil` when the sketch is empty or `q` is NaN.
    public func quantile(_ q: Double) -> Double? {
        guard total > 0, !q.isNaN else { return nil }
        guard q > 0 else { return minimum }
        guard q < 1 else { return maximum }
        let exactRank = (q * Double(total)).rounded(.up)
        let rank = exactRank >= Double(total) ? total : Swift.max(1, UInt64(exactRank))
        guard rank > zeros else { return clamp(0) }
        var remaining = rank - zeros
        let slot = storage.withUnsafeBufferPointer { counts -> Int in
            for slot in counts.indices {
                if remaining <= counts[slot] { return slot }
                remaining -= counts[slot]
            }
            return counts.count - 1  // unreachable while counts add up to `total`
        }
        return clamp(SketchMapping.representative(of: offset + slot))
    }

    private func clamp(_ value: Double) -> Double {
        Swift.min(Swift.max(value, minimum), maximum)
    }

    private mutating func recordZeros(_ count: UInt64) {
        zeros += count
        if minimum > 0 { minimum = 0 }
        if maximum < 0 { maximum = 0 }
    }
}
