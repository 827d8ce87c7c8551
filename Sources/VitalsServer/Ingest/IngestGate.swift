import Synchronization

/// Admission to ingest: at most `capacity` requests are read, decoded or waiting for their commit at once. The
/// rest are refused at once (503 with `Retry-After`) instead of queueing without bound, so memory stays bounded
/// by configuration, never by traffic.
final class IngestGate: Sendable {
    let capacity: Int
    private let admitted = Atomic<Int>(0)

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Requests admitted and not yet finished.
    var depth: Int { admitted.load(ordering: .relaxed) }

    /// Takes a place, or returns `false` when all are taken.
    func enter() -> Bool {
        var current = admitted.load(ordering: .relaxed)
        while current < capacity {
            let (exchanged, original) = admitted.compareExchange(
                expected: current,
                desired: current + 1,
                ordering: .acquiringAndReleasing
            )
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Gives back a place taken by ``enter()``.
    func leave() {
        admitted.subtract(1, ordering: .acquiringAndReleasing)
    }
}
