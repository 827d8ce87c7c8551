import Testing
import Vitals

/// `merge(encoded:)`, which stores use to merge stored buckets without decoding them first, against merging the
/// decoded sketch.
@Suite struct SketchEncodedMergeTests {
    static func mergedFromBytes(_ parts: [QuantileSketch]) throws -> QuantileSketch {
        var result = QuantileSketch()
        for part in parts {
            let bytes = part.encoded()
            try bytes.withUnsafeBufferPointer { try result.merge(encoded: $0) }
        }
        return result
    }

    @Test("merging encoded sketches gives the sketch merging the decoded ones gives", arguments: [1, 7, 60])
    func sameAsDecoded(parts: Int) throws {
        var random = SplitMix64(seed: UInt64(parts))
        // Integer values: every partial sum is exact, so the sketches must be `==` (sum included).
        let sketches = (0..<parts).map { part in
            makeSketch((0..<(part % 5 == 0 ? 0 : 40)).map { _ in random.logNormal(mu: 5, sigma: 1.5).rounded() })
        }
        var decoded = QuantileSketch()
        for sketch in sketches { decoded.merge(try QuantileSketch(decoding: sketch.encoded())) }
        let fromBytes = try Self.mergedFromBytes(sketches)
        #expect(fromBytes == decoded)
        #expect(fromBytes.count == sketches.reduce(0) { $0 + $1.count })
    }

    @Test("zeros, a single bucket and a span that collapses merge as decoded sketches do")
    func edges() throws {
        let zeros = makeSketch([0, 0, -3])
        let single = makeSketch([42, 42, 42])
        // 1e-300 to 1e300 spans far more than 4,096 buckets: the lowest collapse.
        let wide = makeSketch([1e-300, 1e-20, 1, 1e20, 1e300])
        let parts = [single, zeros, wide, makeSketch([5e-310, 7])]
        var decoded = QuantileSketch()
        for part in parts { decoded.merge(try QuantileSketch(decoding: part.encoded())) }
        let fromBytes = try Self.mergedFromBytes(parts)
        expectSameContent(fromBytes, decoded)
        #expect(fromBytes.zeroCount == 3)
    }

    @Test("invalid bytes throw what decoding throws and leave the sketch as it was")
    func invalid() throws {
        var sketch = makeSketch([10, 20, 30])
        let before = sketch
        var truncated = makeSketch([1, 2, 3]).encoded()
        truncated.removeLast(3)
        #expect(throws: SketchDecodingError.self) {
            try truncated.withUnsafeBufferPointer { try sketch.merge(encoded: $0) }
        }
        var badCount = makeSketch([1, 2, 3]).encoded()
        badCount[1] = 9
        #expect(throws: SketchDecodingError.self) {
            try badCount.withUnsafeBufferPointer { try sketch.merge(encoded: $0) }
        }
        #expect(sketch == before)
    }
}
