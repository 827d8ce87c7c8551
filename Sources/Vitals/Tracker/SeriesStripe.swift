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
/// | 2 | measurements of zero nanoseconds (the zero bucket) |
/// | 3 | smallest nanoseconds seen, `UInt64.max` when none |
/// | 4 | largest nanoseconds seen |
/// | 5 ..< 70 | address of the histogram chunk of each octave, 0 until first used |
///
/// A chunk holds the 64 bucket counters of one octave of `SketchMapping` (a power of two of milliseconds),
/// allocated on first use and published by compare-exchange. A duration of `n` nanoseconds lands in the
/// bucket `SketchMapping.index(of: Double(n) * 1e-6)`; 1 ns to 2^64 ns spans the 65 octaves
/// `firstOctave ... firstOctave + 64`, so the chunk table never overflows. The count is the sum of the buckets
/// and the zero bucket: no separate counter is paid for on the hot path.
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
    @inlinable static var zeroWord: Int { 2 }
    @inlinable static var minWord: Int { 3 }
    @inlinable static var maxWord: Int { 4 }
    @inlinable static var chunkWords: Int { 5 }
    /// Octaves a chunk table covers: enough for every duration from 1 ns to `UInt64.max` ns.
    @inlinable static var octaveCount: Int { 65 }
    /// The `SketchMapping` octave (index >> 6) of 1 ns expressed in milliseconds; checked by a test.
    @inlinable static var firstOctave: Int { 1003 }
    /// Counters per chunk: one octave of `SketchMapping`.
    @inlinable static var chunkCounters: Int { 64 }
    static var wordCount: Int { chunkWords + octaveCount }
    /// Bytes of a stripe, rounded up to whole 128-byte blocks.
    static var byteCount: Int { (wordCount * 8 + 127) & ~127 }
    static var alignment: Int { 128 }

    /// `SketchMapping.index(of:)` of a duration in milliseconds, spelled out here so that inlined code can use
    /// it (a test checks the two agree): the exponent and top 6 mantissa bits of the double.
    @inlinable
    static func bucketIndex(nanoseconds: UInt64) -> Int {
        // Through Int64: one conversion instruction on x86-64, where UInt64 needs a multi-step sequence.
        let signed = Int64(bitPattern: nanoseconds)
        let milliseconds = (signed >= 0 ? Double(signed) : Double(nanoseconds)) * 1e-6
        return Int(truncatingIfNeeded: milliseconds.bitPattern >> 46)
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
        for octave in 0..<Self.octaveCount {
            if let chunk = chunk(octave: octave) {
                UnsafeMutableRawPointer(chunk).deallocate()
            }
        }
        UnsafeMutableRawPointer(words).deallocate()
    }

    /// Records one measurement: a handful of relaxed atomic adds on memory this stripe's threads own.
    ///
    /// Ordered for latency: the extremes are loaded before the locked adds (which later loads would wait for),
    /// and the sum, which needs no arithmetic, is added while the bucket index is still being computed.
    @inlinable
    func record(nanoseconds: UInt64, failed: Bool) {
        // Extremes change rarely once warmed up: a plain load usually settles them without a write.
        let minimum = words[Self.minWord].load(ordering: .relaxed)
        let maximum = words[Self.maxWord].load(ordering: .relaxed)
        words[Self.sumWord].wrappingAdd(nanoseconds, ordering: .relaxed)
        if nanoseconds == 0 {
            words[Self.zeroWord].wrappingAdd(1, ordering: .relaxed)
        } else {
            let index = Self.bucketIndex(nanoseconds: nanoseconds)
            let counters = chunkForRecording(octave: (index >> 6) &- Self.firstOctave)
            counters[index & (Self.chunkCounters - 1)].wrappingAdd(1, ordering: .relaxed)
        }
        if failed {
            words[Self.errorsWord].wrappingAdd(1, ordering: .relaxed)
        }
        if nanoseconds < minimum {
            lowerMinimum(to: nanoseconds)
        }
        if nanoseconds > maximum {
            raiseMaximum(to: nanoseconds)
        }
    }

    @usableFromInline
    @inline(never)
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

    @usableFromInline
    @inline(never)
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

    /// The counters of `octave`, allocating them when this is the octave's first measurement.
    @inlinable
    func chunkForRecording(octave: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        if let chunk = chunk(octave: octave) { return chunk }
        return installChunk(octave: octave)
    }

    /// The counters of `octave`, or nil when nothing was ever recorded in it.
    @inlinable
    func chunk(octave: Int) -> UnsafeMutablePointer<Atomic<UInt64>>? {
        let address = words[Self.chunkWords &+ octave].load(ordering: .acquiring)
        return UnsafeMutablePointer(bitPattern: UInt(truncatingIfNeeded: address))
    }

    @usableFromInline
    @inline(never)
    func installChunk(octave: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        precondition(octave >= 0 && octave < Self.octaveCount, "duration outside the histogram range")
        let raw = UnsafeMutableRawPointer.allocate(byteCount: Self.chunkCounters * 8, alignment: Self.alignment)
        let counters = raw.bindMemory(to: Atomic<UInt64>.self, capacity: Self.chunkCounters)
        for offset in 0..<Self.chunkCounters {
            (counters + offset).initialize(to: Atomic(0))
        }
        let address = UInt64(UInt(bitPattern: counters))
        let (exchanged, winner) = words[Self.chunkWords + octave].compareExchange(
            expected: 0,
            desired: address,
            successOrdering: .acquiringAndReleasing,
            failureOrdering: .acquiring
        )
        if exchanged { return counters }
        // Another thread of this stripe installed the octave first: use theirs.
        raw.deallocate()
        return UnsafeMutablePointer(bitPattern: UInt(truncatingIfNeeded: winner))!
    }

    /// Zeroes every counter, keeping the chunks so that recording threads never see freed memory.
    func reset() {
        words[Self.sumWord].store(0, ordering: .relaxed)
        words[Self.errorsWord].store(0, ordering: .relaxed)
        words[Self.zeroWord].store(0, ordering: .relaxed)
        words[Self.minWord].store(UInt64.max, ordering: .relaxed)
        words[Self.maxWord].store(0, ordering: .relaxed)
        for octave in 0..<Self.octaveCount {
            guard let counters = chunk(octave: octave) else { continue }
            for offset in 0..<Self.chunkCounters {
                counters[offset].store(0, ordering: .relaxed)
            }
        }
    }
}
