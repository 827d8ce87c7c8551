// Public only because the inlined recording path touches `Atomic` words.
public import Synchronization

/// One stripe of an operation's counters: the part of the series that one group of threads writes to.
///
/// A stripe is a single 128-byte-aligned block of atomic 64-bit words, so that two stripes never share a cache
/// line (128 bytes also covers adjacent-line prefetching on x86 and the 128-byte lines of Apple silicon):
///
/// | word | content |
/// |------|---------|
/// | 0 | sum of the recorded nanoseconds (wrapping) |
/// | 1 | failures |
/// | 2 | smallest nanoseconds seen, `UInt64.max` when none |
/// | 3 | largest nanoseconds seen |
/// | 4 ..< 70 | address of each histogram chunk, 0 until first used |
///
/// A chunk holds 64 counters: chunk `k` ≥ 1 is octave `firstOctave + k - 1` of `SketchMapping` (a power of
/// two of milliseconds), allocated on first use and published by compare-exchange. A duration of `n`
/// nanoseconds lands in bucket `SketchMapping.index(of: Double(n) * 1e-6)`; 1 ns to 2^64 ns spans the 65
/// octaves `firstOctave ... firstOctave + 64`, so the chunk table never overflows. Chunk 0 holds the zero
/// bucket in its first counter: a zero duration maps to bucket index 0, which a clamp sends to chunk 0, so
/// zero needs no branch of its own on the hot path. The count is the sum of all counters: no separate counter
/// is paid for.
///
/// All words are only ever accessed atomically; chunk and stripe addresses are published with release and read
/// with acquire, so their zero-initialised counters are visible before the first increment.
@usableFromInline
struct SeriesStripe {
    /// Word 0 of the stripe.
    @usableFromInline let words: UnsafeMutablePointer<Atomic<UInt64>>

    @usableFromInline
    init(words: UnsafeMutablePointer<Atomic<UInt64>>) {
        self.words = words
    }

    // Layout constants are computed properties so that inlined code sees literals, not lazily initialised globals.
    @inlinable static var sumWord: Int { 0 }
    @inlinable static var errorsWord: Int { 1 }
    @inlinable static var minWord: Int { 2 }
    @inlinable static var maxWord: Int { 3 }
    @inlinable static var chunkWords: Int { 4 }
    /// Chunk slots: the zero bucket plus 65 octaves, enough for every duration from 1 ns to `UInt64.max` ns.
    @inlinable static var chunkCount: Int { 66 }
    /// The `SketchMapping` octave (index >> 6) of 1 ns expressed in milliseconds; checked by a test.
    @inlinable static var firstOctave: Int { 1003 }
    /// Counters per chunk: one octave of `SketchMapping`.
    @inlinable static var chunkCounters: Int { 64 }
    static var wordCount: Int { chunkWords + chunkCount }
    /// Bytes of a stripe, rounded up to whole 128-byte blocks.
    static var byteCount: Int { (wordCount * 8 + 127) & ~127 }
    static var alignment: Int { 128 }

    /// `SketchMapping.index(of:)` of a duration in milliseconds, spelled out here so that inlined code can use
    /// it (a test checks the two agree): the exponent and top 6 mantissa bits of the double. 0 for 0 ns.
    @inlinable
    static func bucketIndex(nanoseconds: UInt64) -> Int {
        // Through Int64: one conversion instruction on x86-64, where UInt64 needs a multi-step sequence.
        let signed = Int64(bitPattern: nanoseconds)
        let milliseconds = (signed >= 0 ? Double(signed) : Double(nanoseconds)) * 1e-6
        return Int(truncatingIfNeeded: milliseconds.bitPattern >> 46)
    }

    /// The chunk slot of a bucket index: 0 for the zero bucket, `1 + octave - firstOctave` otherwise.
    @inlinable
    static func chunkSlot(bucketIndex index: Int) -> Int {
        max((index >> 6) &- (firstOctave - 1), 0)
    }

    /// Allocates a zeroed stripe.
    static func allocate() -> SeriesStripe {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: alignment)
        let words = raw.bindMemory(to: Atomic<UInt64>.self, capacity: byteCount / 8)
        for offset in 0..<(byteCount / 8) {
            (words + offset).initialize(to: Atomic(offset == minWord ? UInt64.max : 0))
        }
        return SeriesStripe(words: words)
    }

    /// Frees the stripe and its chunks. Only when no thread can reach it any more.
    func deallocate() {
        for slot in 0..<Self.chunkCount {
            if let chunk = chunk(slot: slot) {
                UnsafeMutableRawPointer(chunk).deallocate()
            }
        }
        UnsafeMutableRawPointer(words).deallocate()
    }

    /// Records one measurement: two relaxed atomic adds on memory this stripe's threads own, and loads of the
    /// extremes, which change rarely once warmed up.
    ///
    /// Ordered for latency: the extremes are loaded before the locked adds (which later loads would wait for),
    /// and the sum, which needs no arithmetic, is added while the bucket index is still being computed.
    @inlinable
    func record(nanoseconds: UInt64, failed: Bool) {
        let minimum = words[Self.minWord].load(ordering: .relaxed)
        let maximum = words[Self.maxWord].load(ordering: .relaxed)
        words[Self.sumWord].wrappingAdd(nanoseconds, ordering: .relaxed)
        let index = Self.bucketIndex(nanoseconds: nanoseconds)
        let counters = chunkForRecording(slot: Self.chunkSlot(bucketIndex: index))
        counters[index & (Self.chunkCounters - 1)].wrappingAdd(1, ordering: .relaxed)
        if failed {
            words[Self.errorsWord].wrappingAdd(1, ordering: .relaxed)
        }
        // One predictable branch for both extremes; the rare update is out of line.
        if nanoseconds < minimum || nanoseconds > maximum {
            widenExtremes(to: nanoseconds)
        }
    }

    @usableFromInline
    @inline(never)
    func widenExtremes(to value: UInt64) {
        lowerMinimum(to: value)
        raiseMaximum(to: value)
    }

    func lowerMinimum(to value: UInt64) {
        var current = words[Self.minWord].load(ordering: .relaxed)
        while value < current {
            let (exchanged, original) = words[Self.minWord].weakCompareExchange(
                expected: current,
                desired: value,
                ordering: .relaxed
            )
            if exchanged { return }
            current = original
        }
    }

    func raiseMaximum(to value: UInt64) {
        var current = words[Self.maxWord].load(ordering: .relaxed)
        while value > current {
            let (exchanged, original) = words[Self.maxWord].weakCompareExchange(
                expected: current,
                desired: value,
                ordering: .relaxed
            )
            if exchanged { return }
            current = original
        }
    }

    /// The counters of chunk `slot`, allocating them when this is the chunk's first measurement.
    @inlinable
    func chunkForRecording(slot: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        if let chunk = chunk(slot: slot) { return chunk }
        return installChunk(slot: slot)
    }

    /// The counters of chunk `slot`, or nil when nothing was ever recorded in it.
    @inlinable
    func chunk(slot: Int) -> UnsafeMutablePointer<Atomic<UInt64>>? {
        let address = words[Self.chunkWords &+ slot].load(ordering: .acquiring)
        return UnsafeMutablePointer(bitPattern: UInt(truncatingIfNeeded: address))
    }

    @usableFromInline
    @inline(never)
    func installChunk(slot: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        precondition(slot >= 0 && slot < Self.chunkCount, "duration outside the histogram range")
        let raw = UnsafeMutableRawPointer.allocate(byteCount: Self.chunkCounters * 8, alignment: Self.alignment)
        let counters = raw.bindMemory(to: Atomic<UInt64>.self, capacity: Self.chunkCounters)
        for offset in 0..<Self.chunkCounters {
            (counters + offset).initialize(to: Atomic(0))
        }
        let address = UInt64(UInt(bitPattern: counters))
        let (exchanged, winner) = words[Self.chunkWords + slot].compareExchange(
            expected: 0,
            desired: address,
            successOrdering: .acquiringAndReleasing,
            failureOrdering: .acquiring
        )
        if exchanged { return counters }
        // Another thread of this stripe installed the chunk first: use theirs.
        raw.deallocate()
        return UnsafeMutablePointer(bitPattern: UInt(truncatingIfNeeded: winner))!
    }

    /// Zeroes every counter, keeping the chunks so that recording threads never see freed memory.
    func reset() {
        words[Self.sumWord].store(0, ordering: .relaxed)
        words[Self.errorsWord].store(0, ordering: .relaxed)
        words[Self.minWord].store(UInt64.max, ordering: .relaxed)
        words[Self.maxWord].store(0, ordering: .relaxed)
        for slot in 0..<Self.chunkCount {
            guard let counters = chunk(slot: slot) else { continue }
            for offset in 0..<Self.chunkCounters {
                counters[offset].store(0, ordering: .relaxed)
            }
        }
    }

    /// Adds this stripe's counters to `totals`, reading each once with a relaxed load.
    func accumulate(into totals: inout Totals) {
        totals.sum &+= words[Self.sumWord].load(ordering: .relaxed)
        totals.errors &+= words[Self.errorsWord].load(ordering: .relaxed)
        totals.minimum = min(totals.minimum, words[Self.minWord].load(ordering: .relaxed))
        totals.maximum = max(totals.maximum, words[Self.maxWord].load(ordering: .relaxed))
        if let zero = chunk(slot: 0) {
            totals.zeroCount &+= zero[0].load(ordering: .relaxed)
        }
        for slot in 1..<Self.chunkCount {
            guard let counters = chunk(slot: slot) else { continue }
            for offset in 0..<Self.chunkCounters {
                let count = counters[offset].load(ordering: .relaxed)
                guard count > 0 else { continue }
                totals.add(count, position: (slot - 1) * Self.chunkCounters + offset)
            }
        }
    }

    /// Counters of several stripes merged; bucket positions count from the first bucket of `firstOctave`.
    struct Totals {
        var sum: UInt64 = 0
        var errors: UInt64 = 0
        var zeroCount: UInt64 = 0
        var minimum = UInt64.max
        var maximum: UInt64 = 0
        /// Counts by position, sized on first use; `lowest ... highest` is the occupied range.
        var counts: [UInt64] = []
        var lowest = Int.max
        var highest = Int.min

        mutating func add(_ count: UInt64, position: Int) {
            if counts.isEmpty {
                counts = [UInt64](repeating: 0, count: (chunkCount - 1) * chunkCounters)
            }
            counts[position] &+= count
            lowest = Swift.min(lowest, position)
            highest = Swift.max(highest, position)
        }

        /// The bucket counts between the lowest and highest occupied bucket.
        var occupied: ArraySlice<UInt64> { lowest <= highest ? counts[lowest...highest] : [] }

        /// The `SketchMapping` index of the lowest occupied bucket.
        var firstIndex: Int { lowest <= highest ? firstOctave * chunkCounters + lowest : 0 }
    }
}
