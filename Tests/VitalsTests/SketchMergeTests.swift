import Testing
import Vitals

/// Everything but `sum` must match exactly; `sum` only up to floating-point rounding.
func expectSameContent(
    _ lhs: QuantileSketch,
    _ rhs: QuantileSketch,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(lhs.count == rhs.count, sourceLocation: sourceLocation)
    #expect(lhs.zeroCount == rhs.zeroCount, sourceLocation: sourceLocation)
    #expect(lhs.firstIndex == rhs.firstIndex, sourceLocation: sourceLocation)
    #expect(lhs.bucketCounts == rhs.bucketCounts, sourceLocation: sourceLocation)
    #expect(lhs.min == rhs.min && lhs.max == rhs.max, sourceLocation: sourceLocation)
    for q in [0, 0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 1] {
        #expect(lhs.quantile(q) == rhs.quantile(q), sourceLocation: sourceLocation)
    }
    #expect(
        lhs.sum == rhs.sum || abs(lhs.sum - rhs.sum) <= 1e-12 * Swift.max(abs(lhs.sum), abs(rhs.sum)),
        sourceLocation: sourceLocation
    )
}

func merged(_ sketches: QuantileSketch...) -> QuantileSketch {
    var result = QuantileSketch()
    for sketch in sketches { result.merge(sketch) }
    return result
}

@Suite struct SketchMergeTests {
    /// Integer-valued data: every partial sum is exact, so whole sketches must be `==`.
    static let integers: [Double] = {
        var random = SplitMix64(seed: 11)
        return (0..<3000).map { _ in (random.logNormal(mu: 5, sigma: 1.5)).rounded() }
    }()

    @Test func mergeIsCommutative() {
        let values = SketchDistribution.bimodal.values(count: 5000, seed: 3)
        let a = makeSketch(values[..<1000])
        let b = makeSketch(values[1000...])
        #expect(merged(a, b) == merged(b, a))
        var ab = a
        ab.merge(b)
        var ba = b
        ba.merge(a)
        #expect(ab == ba)
        #expect(ab.hashValue == ba.hashValue)
    }

    @Test func mergeIsAssociative() {
        let values = SketchDistribution.logNormal.values(count: 9000, seed: 4)
        let a = makeSketch(values[..<2000])
        let b = makeSketch(values[2000..<2100] + [0, -1])
        let c = makeSketch(values[2100...])
        expectSameContent(merged(merged(a, b), c), merged(a, merged(b, c)))

        let x = makeSketch(Self.integers[..<1000])
        let y = makeSketch(Self.integers[1000..<1500])
        let z = makeSketch(Self.integers[1500...])
        #expect(merged(merged(x, y), z) == merged(x, merged(y, z)))
        #expect(merged(merged(x, y), z) == merged(merged(z, x), y))
    }

    @Test(arguments: SketchDistribution.allCases)
    func mergingPartsGivesTheSketchOfTheWhole(of distribution: SketchDistribution) {
        let values = distribution.values(count: 100_000, seed: 5)
        let whole = makeSketch(values)
        let cuts = [0, 1, 17, 9_000, 9_001, 50_000, 99_999, 100_000]
        let parts = zip(cuts, cuts.dropFirst()).map { makeSketch(values[$0..<$1]) }
        var forward = QuantileSketch()
        for part in parts { forward.merge(part) }
        var backward = QuantileSketch()
        for part in parts.reversed() { backward.merge(part) }
        expectSameContent(forward, whole)
        expectSameContent(backward, whole)
        #expect(forward.quantile(0.99) == whole.quantile(0.99))
    }

    @Test func integerPartsMergeToExactlyTheWhole() {
        let whole = makeSketch(Self.integers)
        var fromParts = QuantileSketch()
        for start in stride(from: 0, to: Self.integers.count, by: 250) {
            fromParts.merge(makeSketch(Self.integers[start..<Swift.min(start + 250, Self.integers.count)]))
        }
        #expect(fromParts == whole)
        #expect(fromParts.encoded() == whole.encoded())
    }

    @Test func mergingASketchIntoItselfDoublesIt() {
        var sketch = makeSketch([0, 1, 2, 3, 500])
        let original = sketch
        sketch.merge(sketch)
        var twice = QuantileSketch()
        for value in [0.0, 1, 2, 3, 500] { twice.add(value, count: 2) }
        #expect(sketch == twice)
        #expect(original.count == 5)
        #expect(original == makeSketch([0, 1, 2, 3, 500]))
    }

    @Test func emptySketchIsTheIdentity() {
        let a = makeSketch([3, 0, 1e6])
        #expect(merged(a, QuantileSketch()) == a)
        #expect(merged(QuantileSketch(), a) == a)
        var empty = QuantileSketch()
        empty.merge(QuantileSketch())
        #expect(empty == QuantileSketch())
    }

    @Test func zerosOnlyAndBucketsOnlyMerge() {
        let zeros = makeSketch([0, 0, -2])
        let positives = makeSketch([4, 8])
        let both = merged(zeros, positives)
        #expect(both == makeSketch([0, 4, 0, 8, -2]))
        #expect(both.zeroCount == 3)
        #expect(both.min == 0 && both.max == 8)
        #expect(merged(positives, zeros) == both)
    }

    @Test func equalityIgnoresAllocatedPadding() {
        let values = SketchDistribution.uniform.values(count: 500, seed: 6)
        let ascending = makeSketch(Self.integers.sorted())
        let descending = makeSketch(Self.integers.sorted(by: >))
        #expect(ascending == descending)
        #expect(ascending.hashValue == descending.hashValue)
        #expect(Set([ascending, descending]).count == 1)
        #expect(ascending.encoded() == descending.encoded())

        // Same buckets reached through a merge into a wide window.
        var wide = makeSketch([1e-3, 1e6])
        let narrow = makeSketch(values)
        var wideThenNarrow = wide
        wideThenNarrow.merge(narrow)
        wide = makeSketch([1e-3])
        wide.merge(narrow)
        wide.add(1e6)
        expectSameContent(wide, wideThenNarrow)
    }

    @Test func differentContentIsNotEqual() {
        let base = makeSketch([1, 2, 3])
        #expect(base != makeSketch([1, 2, 4]))
        #expect(base != makeSketch([1, 2, 3, 0]))
        #expect(base != makeSketch([1, 2]))
        // Same buckets, different exact max.
        #expect(makeSketch([1, 3]) != makeSketch([1, 3.001]))
        #expect(makeSketch([1, 3]).bucketCounts == makeSketch([1, 3.001]).bucketCounts)
    }
}
