/// Admission to ingest: at most `capacity` requests are decoded or waiting for their commit at once. The rest
/// are refused at once (503 with `Retry-After`) instead of queueing without bound, so memory stays bounded by
/// configuration, never by traffic. A budget of places, counted like the bytes of ``IngestBudget``.
final class IngestGate: Sendable {
    private let places: IngestBudget

    init(capacity: Int) {
        places = IngestBudget(capacity: capacity)
    }

    /// The most requests admitted at once.
    var capacity: Int { places.capacity }

    /// Requests admitted and not yet finished.
    var depth: Int { places.inUse }

    /// Takes a place, or returns `false` when all are taken.
    func enter() -> Bool { places.take(1) }

    /// Gives back a place taken by ``enter()``.
    func leave() { places.give(1) }
}
