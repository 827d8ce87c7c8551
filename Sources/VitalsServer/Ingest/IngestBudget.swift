import Synchronization

/// The memory all ingest requests together may hold: `ingest_queue × max_body_bytes` bytes.
///
/// A body counts against the budget as its buffer grows, not when its request is admitted, so a client that
/// trickles a body holds almost nothing. Before it is decoded, a request also takes three times its body's size
/// for its decoded records and the batch prepared for the store, which it holds until its commit. The server's
/// ingest memory is then bounded by the budget however many connections are open and whatever their bodies
/// hold (the record cap bounds the records, which can cost more than their bytes, in number).
final class IngestBudget: Sendable {
    let capacity: Int
    private let used = Atomic<Int>(0)

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Bytes held now.
    var inUse: Int { used.load(ordering: .relaxed) }

    /// Takes `bytes`, or returns `false` (and takes nothing) when that would pass the capacity.
    func take(_ bytes: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while current + bytes <= capacity {
            let (exchanged, original) = used.compareExchange(
                expected: current,
                desired: current + bytes,
                ordering: .acquiringAndReleasing
            )
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Gives back bytes taken by ``take(_:)``.
    func give(_ bytes: Int) {
        used.subtract(bytes, ordering: .acquiringAndReleasing)
    }
}
