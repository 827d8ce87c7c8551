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

extension SketchEncodedMergeTests {
    /// Every byte of several encodings changed to other values and every length cut short: whatever decoding says
    /// of the bytes, merging them says the same (the same error, or the decoded sketch merged in), and a merge that
    /// throws leaves the sketch as it was.
    @Test("corrupted encodings: merging throws exactly what decoding throws, or merges what decoding reads")
    func corruptedLikeDecoding() throws {
        var random = SplitMix64(seed: 11)
        let samples = [
            makeSketch([42]),
            makeSketch([0, 3, 3, 250, 1_607]),
            makeSketch((0..<300).map { _ in random.logNormal(mu: 5, sigma: 1.5) }),
            makeSketch([1e-300, 1e-20, 1, 1e20, 1e300]),
        ]
        let target = makeSketch([7, 70, 700, 0])
        var checked = 0
        for sample in samples {
            let encoding = sample.encoded()
            var variants: [[UInt8]] = (0..<encoding.count).map { Array(encoding[..<$0]) }
            for position in encoding.indices {
                for replacement: UInt8 in [0x00, 0x01, 0x7F, 0x80, 0xFF, encoding[position] ^ 0x01] {
                    var changed = encoding
                    changed[position] = replacement
                    variants.append(changed)
                }
            }
            variants.append(encoding + [0])
            for bytes in variants {
                var merged = target
                let mergeResult = Result { () throws(SketchDecodingError) in
                    try bytes.withUnsafeBufferPointer { buffer throws(SketchDecodingError) in
                        try merged.merge(encoded: buffer)
                    }
                }
                switch Result(catching: { () throws(SketchDecodingError) in try QuantileSketch(decoding: bytes) }) {
                case .success(let decoded):
                    var expected = target
                    expected.merge(decoded)
                    #expect(throws: Never.self) { try mergeResult.get() }
                    expectSameContent(merged, expected)
                case .failure(let error):
                    #expect(mergeResult.error == error, "bytes \(bytes)")
                    #expect(merged == target, "bytes \(bytes)")
                }
                checked += 1
            }
        }
        #expect(checked > 1_000)
    }
}

extension Result {
    fileprivate var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
