import Synchronization

/// The counters of one operation (a name with its labels), owning the raw storage the hot path writes to.
///
/// Memory: a 256-byte header; then, per stripe that some thread actually recorded on, 640 bytes plus 512 bytes
/// for each power of two of durations seen (64 counters per octave), and 512 more if zero durations occur. An
/// operation recorded from one thread with durations spread over 8 octaves (say 10 ms to 2.5 s) therefore
/// costs about 5 KB; one hammered from every processor costs that per stripe, at most 16 times.
@usableFromInline
final class OperationSeries: Sendable {
    let name: String
    let labels: Labels
    @usableFromInline let core: SeriesCore

    init(name: String, labels: Labels, hash: UInt64, stripeCount: Int = SeriesCore.stripeCount) {
        self.name = name
        self.labels = labels
        self.core = SeriesCore.allocate(
            key: SeriesKeyBytes.encode(name: name, labels: labels),
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
        var totals = SeriesStripe.Totals()
        core.forEachStripe { $0.accumulate(into: &totals) }
        let count = totals.occupied.reduce(totals.zeroCount, &+)
        guard count > 0 else { return nil }
        if totals.minimum > totals.maximum {
            // A reset raced with recording and left the extremes behind the counts; report the range the
            // buckets imply rather than nonsense.
            totals.minimum = totals.zeroCount > 0 ? 0 : 1
            totals.maximum = max(totals.minimum, 1)
        }
        let sketch = QuantileSketch(
            zeroCount: totals.zeroCount,
            firstIndex: totals.firstIndex,
            counts: Array(totals.occupied),
            sum: Double(totals.sum) * 1e-6,
            min: Double(totals.minimum) * 1e-6,
            max: Double(totals.maximum) * 1e-6
        )
        return OperationStats(
            name: name,
            labels: labels,
            statistics: EventStatistics(
                count: count,
                errors: totals.errors,
                timeouts: 0,
                durations: sketch
            )
        )
    }

    /// The recorded nanoseconds over all stripes.
    var totalNanoseconds: UInt64 {
        var sum: UInt64 = 0
        core.forEachStripe { sum &+= $0.words[SeriesStripe.sumWord].load(ordering: .relaxed) }
        return sum
    }
}
