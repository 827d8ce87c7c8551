import Synchronization

/// The counters of one operation (a name with its labels), owning the raw storage the hot path writes to.
///
/// Memory: a 256-byte header, then per stripe that a thread actually used 640 bytes plus 512 bytes for each
/// power of two of durations seen (64 counters per octave). An operation recorded from one thread with
/// durations spread over 8 octaves (say 10 ms to 2.5 s) therefore costs about 5 KB; one hammered from every
/// processor costs that per stripe.
@usableFromInline
final class OperationSeries: Sendable {
    let name: String
    let labels: Labels
    @usableFromInline let core: SeriesCore

    init(name: String, labels: Labels, hash: UInt64, stripeCount: Int = SeriesCore.stripeCount) {
        self.name = name
        self.labels = labels
        self.core = SeriesCore.allocate(
            key: SeriesKey.encode(name: name, labels: labels),
            hash: hash,
            stripeCount: stripeCount
        )
        core.setOwner(self)
    }

    deinit {
        core.deallocate()
    }

    /// Merges the stripes into one set of statistics; nil when nothing was recorded since creation or reset.
    ///
    /// Each counter is read once with a relaxed load: measurements recorded during the merge may be partly
    /// included (a bucket counted but its nanoseconds not yet summed), never torn or double-counted.
    func stats() -> OperationStats? {
        var sum: UInt64 = 0
        var errors: UInt64 = 0
        var zeroCount: UInt64 = 0
        var minimum = UInt64.max
        var maximum: UInt64 = 0
        var counts = [UInt64](repeating: 0, count: SeriesStripe.octaveCount * SeriesStripe.chunkCounters)
        var lowest = Int.max
        var highest = Int.min
        core.forEachStripe { stripe in
            sum &+= stripe.words[SeriesStripe.sumWord].load(ordering: .relaxed)
            errors &+= stripe.words[SeriesStripe.errorsWord].load(ordering: .relaxed)
            zeroCount &+= stripe.words[SeriesStripe.zeroWord].load(ordering: .relaxed)
            minimum = min(minimum, stripe.words[SeriesStripe.minWord].load(ordering: .relaxed))
            maximum = max(maximum, stripe.words[SeriesStripe.maxWord].load(ordering: .relaxed))
            for octave in 0..<SeriesStripe.octaveCount {
                guard let counters = stripe.chunk(octave: octave) else { continue }
                for offset in 0..<SeriesStripe.chunkCounters {
                    let count = counters[offset].load(ordering: .relaxed)
                    guard count > 0 else { continue }
                    let position = octave * SeriesStripe.chunkCounters + offset
                    counts[position] &+= count
                    lowest = min(lowest, position)
                    highest = max(highest, position)
                }
            }
        }
        let bucketCount = lowest <= highest ? counts[lowest...highest].reduce(0, &+) : 0
        let count = zeroCount &+ bucketCount
        guard count > 0 else { return nil }
        if minimum > maximum {
            // A reset raced with recording; fall back to the bucket bounds rather than report nonsense.
            minimum = zeroCount > 0 ? 0 : 1
            maximum = max(minimum, 1)
        }
        let sketch = QuantileSketch(
            zeroCount: zeroCount,
            firstIndex: lowest <= highest ? SeriesStripe.firstOctave * SeriesStripe.chunkCounters + lowest : 0,
            counts: lowest <= highest ? Array(counts[lowest...highest]) : [],
            sum: Double(sum) * 1e-6,
            min: Double(minimum) * 1e-6,
            max: Double(maximum) * 1e-6
        )
        return OperationStats(
            name: name,
            labels: labels,
            count: Int(truncatingIfNeeded: count),
            errors: Int(truncatingIfNeeded: errors),
            totalMilliseconds: Double(sum) * 1e-6,
            minMilliseconds: Double(minimum) * 1e-6,
            maxMilliseconds: Double(maximum) * 1e-6,
            sketch: sketch
        )
    }

    /// The recorded nanoseconds over all stripes.
    var totalNanoseconds: UInt64 {
        var sum: UInt64 = 0
        core.forEachStripe { sum &+= $0.words[SeriesStripe.sumWord].load(ordering: .relaxed) }
        return sum
    }
}
