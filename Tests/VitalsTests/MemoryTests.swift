import Testing
import Vitals

// Serialized: each test compares resident memory before and during its own allocation, so another 50 MB
// test running alongside would skew the baseline.
@Suite(.serialized) struct MemoryTests {
    private static let fiftyMegabytes = 50 << 20

    @Test func readsResidentMemoryAsAGaugeSample() throws {
        let bytes = try #require(ResidentMemory.currentBytes())
        #expect(bytes > 1 << 20)
        let sample = try #require(ResidentMemory.sample(labels: ["service": "tests"]))
        #expect(sample.name == "resident_memory_mb")
        #expect(sample.value > 1)
        #expect(sample.labels["service"] == "tests")
        #expect(sample.timestamp != nil)
    }

    @Test func residentMemoryRisesWithATouchedAllocation() throws {
        // Other suites run alongside and free memory while this one allocates (seen under ThreadSanitizer): the
        // rise is looked for over a few attempts; a reader that did not see touched memory fails every one.
        var rises: [Int64] = []
        for _ in 0..<5 {
            let before = try #require(ResidentMemory.currentBytes())
            let buffer = [UInt8](repeating: 1, count: Self.fiftyMegabytes)
            let after = try #require(ResidentMemory.currentBytes())
            #expect(buffer.count == Self.fiftyMegabytes)
            rises.append(Int64(after) - Int64(before))
            if rises.last! >= Int64(Self.fiftyMegabytes) * 4 / 5 { break }
        }
        #expect(rises.contains { $0 >= Int64(Self.fiftyMegabytes) * 4 / 5 }, "rises seen: \(rises)")
    }

    @Test func peakSeesMemoryHeldOnlyWhileTheOperationRuns() async throws {
        let before = try #require(ResidentMemory.currentBytes())
        let (checksum, peak) = await ResidentMemory.peak(every: .milliseconds(2)) { () async -> Int in
            let buffer = [UInt8](repeating: 1, count: Self.fiftyMegabytes)
            try? await Task.sleep(for: .milliseconds(200))
            return buffer.count
        }
        #expect(checksum == Self.fiftyMegabytes)
        let peakBytes = try #require(peak)
        #expect(peakBytes >= before + UInt64(Self.fiftyMegabytes) * 4 / 5)
    }

    @Test func peakIncludesTheValueStillHeldAtTheEnd() async throws {
        // As above: other suites free memory meanwhile (seen under ThreadSanitizer), so a few attempts.
        var rises: [Int64] = []
        for _ in 0..<5 {
            let before = try #require(ResidentMemory.currentBytes())
            let (buffer, peak) = await ResidentMemory.peak { [UInt8](repeating: 1, count: Self.fiftyMegabytes) }
            let peakBytes = try #require(peak)
            #expect(buffer.count == Self.fiftyMegabytes)
            rises.append(Int64(peakBytes) - Int64(before))
            if rises.last! >= Int64(Self.fiftyMegabytes) * 4 / 5 { break }
        }
        #expect(rises.contains { $0 >= Int64(Self.fiftyMegabytes) * 4 / 5 }, "rises seen: \(rises)")
    }

    @Test func peakRethrowsTheOperationsError() async {
        struct PipelineFailure: Error, Equatable {}
        await #expect(throws: PipelineFailure()) {
            try await ResidentMemory.peak { () async throws(PipelineFailure) -> Int in throw PipelineFailure() }
        }
    }
}
