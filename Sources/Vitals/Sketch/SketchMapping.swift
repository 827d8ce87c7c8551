/// The bucket layout shared by `QuantileSketch` and the tracker's lock-free histograms.
///
/// A positive double's bucket is its IEEE-754 exponent followed by the top 6 bits of its mantissa, read
/// straight from the bit pattern: 64 buckets per power of two, each at most 1/64 wide relative to its lower
/// bound. Reporting a bucket's midpoint is therefore within 1/128 (0.79 %) of any value in it. The index is
/// monotone in the value, so ranks computed from bucket counts land in the same bucket as the exact value.
/// Zero, negatives and NaN go to a separate zero bucket; +infinity to the highest index.
package enum SketchMapping {
    /// Mantissa bits kept per bucket.
    package static let subBucketBits = 6
    /// Buckets per power of two.
    package static let bucketsPerOctave = 1 << subBucketBits
    private static let shift = UInt64(52 - subBucketBits)

    /// The bucket of a strictly positive value. Callers route `value <= 0` to the zero bucket first.
    @inline(__always)
    package static func index(of value: Double) -> Int {
        Int(truncatingIfNeeded: value.bitPattern >> shift)
    }

    /// The smallest value that falls in bucket `index`.
    @inline(__always)
    package static func lowerBound(of index: Int) -> Double {
        Double(bitPattern: UInt64(truncatingIfNeeded: index) << shift)
    }

    /// The value reported for bucket `index`: the midpoint of its range.
    @inline(__always)
    package static func representative(of index: Int) -> Double {
        let low = lowerBound(of: index)
        let high = lowerBound(of: index + 1)
        return low + (high - low) / 2
    }
}
