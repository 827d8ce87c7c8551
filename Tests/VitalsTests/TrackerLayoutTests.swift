import Testing

@testable import Vitals

/// Checks of the tracker's internal layout against the sketch's bucket mapping it must agree with.
@Suite struct TrackerLayoutTests {
    @Test func stripeOctavesCoverEveryNanosecondDuration() {
        #expect(SketchMapping.index(of: 1e-6) >> 6 == SeriesStripe.firstOctave)
        let largest = SketchMapping.index(of: Double(UInt64.max) * 1e-6) >> 6
        #expect(SeriesStripe.chunkSlot(bucketIndex: SketchMapping.index(of: 1e-6)) == 1)
        #expect(SeriesStripe.chunkSlot(bucketIndex: SeriesStripe.bucketIndex(nanoseconds: 0)) == 0)
        #expect(largest - SeriesStripe.firstOctave + 1 == SeriesStripe.chunkCount - 1)
        #expect(SeriesStripe.chunkCounters == SketchMapping.bucketsPerOctave)
    }

    @Test func inlinedBucketIndexMatchesSketchMapping() {
        var generator = SystemRandomNumberGenerator()
        var samples: [UInt64] = [1, 2, 3, 999, 1_000, 1_001, 1_000_000, UInt64(Int64.max), UInt64(Int64.max) + 1, .max]
        for shift in 0..<64 { samples.append(1 << shift) }
        for _ in 0..<10_000 { samples.append(generator.next() >> UInt64.random(in: 0..<64, using: &generator)) }
        for nanoseconds in samples where nanoseconds > 0 {
            #expect(
                SeriesStripe.bucketIndex(nanoseconds: nanoseconds)
                    == SketchMapping.index(of: Double(nanoseconds) * 1e-6),
                "\(nanoseconds) ns"
            )
        }
    }

    @Test func stripeCountIsAPowerOfTwoUpToSixteen() {
        let count = SeriesCore.stripeCount
        #expect(count >= 2 && count <= 16 && count & (count - 1) == 0)
    }

    @Test func keyHashesAgreeBetweenTheTwoLookupPaths() {
        for name in ["", "a", "llm_call", "a_much_longer_operation_name_than_usual", "ünïcödé"] {
            let direct = SeriesKeyBytes.withUTF8(name) { SeriesKeyBytes.hash(name: $0) }
            #expect(direct == SeriesKeyBytes.hash(name: name, labels: [:]))
            #expect(direct != SeriesKeyBytes.hash(name: name, labels: ["k": "v"]))
        }
        #expect(
            SeriesKeyBytes.hash(name: "a", labels: ["b": "c"]) != SeriesKeyBytes.hash(name: "a", labels: ["bc": ""])
        )
    }

    @Test func keyEncodingKeepsNamesAndLabelsApart() {
        let tracker = PerformanceTracker()
        tracker.record("a", labels: ["b": "c"], nanoseconds: 1)
        tracker.record("a", labels: ["bc": ""], nanoseconds: 1)
        tracker.record("a", labels: ["b": "c", "d": "e"], nanoseconds: 1)
        #expect(tracker.snapshot().count == 3)
    }
}
