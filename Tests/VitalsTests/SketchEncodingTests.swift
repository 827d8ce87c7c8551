import Testing
import Vitals

/// Writes a varint the way the format does, to build hand-made (and broken) encodings.
func varint(_ value: UInt64) -> [UInt8] {
    var bytes: [UInt8] = []
    var rest = value
    while rest >= 0x80 {
        bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
        rest >>= 7
    }
    bytes.append(UInt8(rest))
    return bytes
}

func littleEndian(_ value: Double) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value.bitPattern >> UInt64(8 * $0)) }
}

/// A version-1 encoding of one bucket holding `count` copies of `value`, with optional overrides.
func handMade(
    version: UInt8 = 1,
    count: UInt64 = 2,
    zeroCount: UInt64 = 0,
    firstIndex: [UInt8]? = nil,
    buckets: [UInt8] = [1, 0],  // one bucket, flag set, count - 2 = 0
    sum: Double = 6,
    min: Double = 3,
    max: Double = 3
) -> [UInt8] {
    let index = SketchMapping.index(of: 3)
    return [version] + varint(count) + varint(zeroCount) + varint(1) + (firstIndex ?? varint(UInt64(index) << 1))
        + buckets + littleEndian(sum) + littleEndian(min) + littleEndian(max)
}

func expectDecodingError(
    _ code: SketchDecodingError.Code,
    _ bytes: [UInt8],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(sourceLocation: sourceLocation) {
        _ = try QuantileSketch(decoding: bytes)
    } throws: { error in
        (error as? SketchDecodingError)?.code == code
    }
}

@Suite struct SketchEncodingTests {
    static var samples: [QuantileSketch] {
        var collapsed = makeSketch(SketchDistribution.logNormal.values(count: 1000, seed: 8))
        collapsed.add(1e-300)
        collapsed.add(1e300)
        return [
            QuantileSketch(),
            makeSketch([0, -1, .nan]),
            makeSketch([42]),
            makeSketch([.leastNonzeroMagnitude, .infinity]),
            makeSketch(SketchDistribution.bimodal.values(count: 100_000, seed: 9) + [0, 0]),
            makeSketch(
                (0..<4096).map { Double(sign: .plus, exponent: $0 / 64, significand: 1 + Double($0 % 64) / 64) }
            ),
            collapsed,
        ]
    }

    @Test func roundTripIsExact() throws {
        for original in Self.samples {
            let bytes = original.encoded()
            let decoded = try QuantileSketch(decoding: bytes)
            #expect(decoded == original)
            #expect(decoded.encoded() == bytes)
            #expect(decoded.sum.bitPattern == original.sum.bitPattern)
            #expect(try QuantileSketch(decoding: bytes[...]) == original)
            #expect(try QuantileSketch(decoding: bytes.lazy.map { $0 }) == original)
        }
    }

    @Test func decodedSketchKeepsWorking() throws {
        var decoded = try QuantileSketch(decoding: makeSketch([5, 10, 20]).encoded())
        decoded.add(40)
        decoded.add(0.1)
        decoded.merge(makeSketch([80]))
        #expect(decoded == makeSketch([5, 10, 20, 40, 0.1, 80]))
        #expect(decoded.bucketCounts == makeSketch([5, 10, 20, 40, 0.1, 80]).bucketCounts)
        #expect(decoded.min == 0.1 && decoded.max == 80)
    }

    @Test func encodingsAreCompact() {
        #expect(QuantileSketch().encoded() == [1, 0, 0, 0])
        // One minute of LLM calls: ~60 latencies around 1.5 s with a long tail, in milliseconds.
        var largest = 0
        for seed in 0..<200 {
            var random = SplitMix64(seed: UInt64(seed))
            let minute = makeSketch((0..<60).map { _ in random.logNormal(mu: 7.3, sigma: 0.8).rounded() })
            largest = Swift.max(largest, minute.encoded().count)
        }
        #expect(largest < 120)
        #expect(makeSketch([1, 1, 1, 1]).encoded().count == 1 + 3 + 3 + 2 + 24)
    }

    @Test func everyTruncationIsRejected() {
        for original in Self.samples {
            let bytes = original.encoded()
            guard bytes.count < 4000 else { continue }  // quadratic; the 4096-bucket sample adds nothing new
            for length in 0..<bytes.count {
                expectDecodingError(.truncated, Array(bytes[..<length]))
            }
        }
    }

    @Test func corruptedBytesThrowOrDecodeToAConsistentSketch() throws {
        var random = SplitMix64(seed: 10)
        var rejected = 0
        var accepted = 0
        for original in Self.samples {
            let bytes = original.encoded()
            for _ in 0..<400 {
                var corrupt = bytes
                for _ in 0...(random.next() % 3) {
                    corrupt[Int(random.next() % UInt64(corrupt.count))] ^= UInt8(truncatingIfNeeded: random.next() | 1)
                }
                do {
                    let decoded = try QuantileSketch(decoding: corrupt)
                    accepted += 1
                    try expectUsable(decoded)
                } catch {
                    rejected += 1
                }
            }
        }
        #expect(rejected > 0 && accepted > 0)
    }

    @Test func randomByteStringsNeverCrash() throws {
        var random = SplitMix64(seed: 12)
        for _ in 0..<20_000 {
            let length = Int(random.next() % 48)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if !bytes.isEmpty, random.next() % 2 == 0 { bytes[0] = 1 }  // get past the version check
            if let decoded = try? QuantileSketch(decoding: bytes) {
                try expectUsable(decoded)
            }
        }
    }

    private func expectUsable(_ decoded: QuantileSketch) throws {
        let again = try QuantileSketch(decoding: decoded.encoded())
        #expect(again == decoded)
        guard let min = decoded.min, let max = decoded.max else {
            #expect(decoded.count == 0)
            return
        }
        for q in [0, 0.1, 0.5, 0.99, 1] {
            let value = try #require(decoded.quantile(q))
            #expect(value >= min && value <= max)
        }
        var grown = decoded
        grown.merge(decoded)
        #expect(grown.count == 2 * decoded.count)
    }

    @Test func handMadeEncodingIsAccepted() throws {
        let decoded = try QuantileSketch(decoding: handMade())
        #expect(decoded == makeSketch([3, 3]))
    }

    @Test func structuralErrorsAreNamed() {
        expectDecodingError(.unsupportedVersion, handMade(version: 2))
        expectDecodingError(.unsupportedVersion, handMade(version: 0))
        expectDecodingError(.trailingBytes, handMade() + [0])
        expectDecodingError(.trailingBytes, [1, 0, 0, 0, 0])
        expectDecodingError(.countMismatch, handMade(count: 3))
        expectDecodingError(.countMismatch, handMade(count: 1))
        expectDecodingError(.countMismatch, handMade(buckets: [1] + varint(UInt64.max)))
        expectDecodingError(.countMismatch, [1, 0] + varint(1) + [0])  // a zero that the count misses
        expectDecodingError(.nonCanonical, handMade(buckets: [3, 0]))  // the first bucket has a gap
        expectDecodingError(.nonCanonical, [1, 0x80, 0x00, 0, 0])  // count 0 written in two bytes
        expectDecodingError(.malformedVarint, [1] + [UInt8](repeating: 0xFF, count: 9) + [0x02, 0, 0])
        expectDecodingError(.malformedVarint, [1] + [UInt8](repeating: 0x80, count: 10) + [0x01, 0, 0])
    }

    @Test func indexAndSpanErrorsAreNamed() {
        let top = UInt64(SketchMapping.index(of: .greatestFiniteMagnitude))
        expectDecodingError(.indexOutOfRange, handMade(firstIndex: varint((top + 1) << 1)))
        expectDecodingError(.indexOutOfRange, handMade(firstIndex: varint(1)))  // zigzag for -1
        // Two buckets 4096 apart span 4097.
        let wide = [1] + varint(2) + [0] + varint(2) + varint(0) + [0] + varint(4095 << 1)
        expectDecodingError(.spanTooLarge, wide + littleEndian(2) + littleEndian(1) + littleEndian(1))
        expectDecodingError(.spanTooLarge, [1, 0, 0] + varint(4097))
        // Second bucket past the largest index.
        let high = [1] + varint(2) + [0] + varint(2) + varint((top - 1) << 1) + [0] + varint(2 << 1)
        expectDecodingError(
            .indexOutOfRange,
            high + littleEndian(.greatestFiniteMagnitude) + littleEndian(1) + littleEndian(1)
        )
    }

    @Test func statisticErrorsAreNamed() {
        expectDecodingError(.invalidStatistic, handMade(min: .nan))
        expectDecodingError(.invalidStatistic, handMade(max: .infinity))
        expectDecodingError(.invalidStatistic, handMade(min: -3))
        expectDecodingError(.invalidStatistic, handMade(min: 3.01, max: 3))
        expectDecodingError(.invalidStatistic, handMade(sum: .nan))
        expectDecodingError(.invalidStatistic, handMade(sum: 1))  // less than max
        expectDecodingError(.invalidStatistic, handMade(min: 2))  // outside the only bucket
        expectDecodingError(.invalidStatistic, handMade(max: 4))
        expectDecodingError(.invalidStatistic, handMade(count: 3, zeroCount: 1))  // zeros but min 3
        let zerosOnly = [1] + varint(1) + varint(1) + [0]
        expectDecodingError(.invalidStatistic, zerosOnly + littleEndian(0) + littleEndian(0) + littleEndian(1))
    }

    @Test func errorsExplainThemselves() throws {
        do {
            _ = try QuantileSketch(decoding: handMade().dropLast(3))
            Issue.record("truncated input was accepted")
        } catch {
            #expect(error.code == .truncated)
            #expect(error.offset == handMade().count - 8)
            #expect(error.message.contains("max"))
            #expect(error.description.hasPrefix("invalid quantile sketch encoding at byte"))
            #expect(error.description.contains("(truncated)"))
        }
        #expect(SketchDecodingError.Code.spanTooLarge.description == "spanTooLarge")
        #expect(SketchDecodingError.Code.truncated != SketchDecodingError.Code.trailingBytes)
    }
}
