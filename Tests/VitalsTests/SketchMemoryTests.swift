import Testing
import Vitals

@Suite struct SketchMemoryTests {
    let cap = QuantileSketch.maximumBucketCount

    @Test func spanNeverExceedsTheCap() throws {
        var random = SplitMix64(seed: 13)
        var sketch = QuantileSketch()
        var values: [Double] = []
        // Values across the whole double range, in random order, plus extremes.
        var exponents = Array(stride(from: -1074, through: 1023, by: 5))
        exponents.shuffle(using: &random)
        for exponent in exponents {
            let value = Double(sign: .plus, exponent: exponent, significand: 1 + random.unit() / 2)
            sketch.add(value)
            values.append(value)
            #expect(sketch.allocatedBucketCount <= cap)
        }
        for value in [1e-300, 1e300, .infinity, 0] {
            sketch.add(value)
            values.append(value)
        }
        #expect(sketch.count == UInt64(values.count))
        #expect(sketch.bucketCounts.count == cap)
        #expect(sketch.allocatedBucketCount <= cap)
        #expect(sketch.bucketCounts.reduce(0, +) + sketch.zeroCount == sketch.count)
        #expect(sketch.min == 0)
        #expect(sketch.max == .greatestFiniteMagnitude)
        let top = SketchMapping.index(of: .greatestFiniteMagnitude)
        #expect(sketch.firstIndex == top - (cap - 1))

        // The collapse is canonical: sorted input, reversed input and merged halves agree.
        let ascending = values.sorted()
        expectSameContent(sketch, makeSketch(ascending))
        expectSameContent(sketch, makeSketch(ascending.reversed()))
        let half = values.count / 2
        expectSameContent(
            sketch,
            merged(makeSketch(values[half...]), makeSketch(values[..<half]))
        )
    }

    @Test func collapsedValuesOnlyAffectTheLowestBucket() throws {
        var sketch = QuantileSketch()
        sketch.add(1e-300)
        sketch.add(1e300)
        #expect(sketch.bucketCounts.count <= cap)
        let lowest = try #require(sketch.firstIndex)
        #expect(lowest == SketchMapping.index(of: 1e300) - (cap - 1))
        // Data within 64 powers of two of the max keeps full accuracy.
        let values = SketchDistribution.logNormal.values(count: 10_000, seed: 14).map { $0 * 1e290 }
        for value in values { sketch.add(value) }
        for _ in 0..<1000 { sketch.add(1e-300) }
        #expect(sketch.count == 11_002)
        #expect(sketch.bucketCounts.first == 1001)
        #expect(sketch.min == 1e-300)
        #expect(sketch.quantile(0) == 1e-300)
        #expect(sketch.max == 1e300)
        let sorted = values.sorted()
        for q in [0.5, 0.9, 0.99] {
            // Ranks shift by the 1001 collapsed values below the data.
            let rank = Int((q * 11_002).rounded(.up))
            let exact = sorted[rank - 1001 - 1]
            let estimate = try #require(sketch.quantile(q))
            #expect(abs(estimate - exact) <= exact * QuantileSketch.relativeAccuracy)
        }
        #expect(sketch.allocatedBucketCount <= cap)
    }

    @Test func wideWindowSlidesDownBeforeCollapsing() throws {
        // 1 then 2^44 spreads the window to the cap with spare room above; 2^-8 lies below the window but
        // within 64 powers of two of the max, so it must keep its own bucket.
        let values = [1, 0x1p44, 0x1p-8]
        var sketch = QuantileSketch()
        sketch.add(values[0])
        sketch.add(values[1])
        #expect(sketch.allocatedBucketCount == cap)
        sketch.add(values[2])
        #expect(sketch.firstIndex == SketchMapping.index(of: 0x1p-8))
        #expect(sketch.bucketCounts.count == 52 * 64 + 1)
        #expect(sketch == makeSketch(values.reversed()))
        let lowest = try #require(sketch.quantile(0.01))
        #expect(abs(lowest - 0x1p-8) <= 0x1p-8 * QuantileSketch.relativeAccuracy)
    }

    @Test func partsRebuildTheSketch() {
        let original = makeSketch(SketchDistribution.bimodal.values(count: 2000, seed: 15) + [0])
        let rebuilt = QuantileSketch(
            zeroCount: original.zeroCount,
            firstIndex: original.firstIndex ?? 0,
            counts: original.bucketCounts,
            sum: original.sum,
            min: original.min ?? 0,
            max: original.max ?? 0
        )
        #expect(rebuilt == original)

        // A span wider than the cap collapses into the lowest kept bucket.
        let wide = QuantileSketch(
            zeroCount: 0,
            firstIndex: 100,
            counts: [2] + [UInt64](repeating: 0, count: cap + 9) + [3],
            sum: 1,
            min: SketchMapping.lowerBound(of: 100),
            max: SketchMapping.lowerBound(of: 100 + cap + 10)
        )
        #expect(wide.count == 5)
        #expect(wide.firstIndex == 100 + 10 + 1)
        #expect(wide.bucketCounts.count == cap)
        #expect(wide.bucketCounts.first == 2 && wide.bucketCounts.last == 3)
    }
}
