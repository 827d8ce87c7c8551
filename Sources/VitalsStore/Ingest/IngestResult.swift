/// What a store did with one batch: how many records it accepted, which it rejected and why, and how many it
/// folded into `__overflow__` series because their name had reached its series limit.
///
/// When ``MetricStore/ingest(_:receivedAt:)`` returns, everything accepted is committed.
public struct IngestResult: Sendable, Hashable {
    /// One record the store refused, and why. Rejected records change nothing.
    public struct Rejection: Sendable, Hashable, CustomStringConvertible {
        /// The record's position in the batch (0-based).
        public var index: Int
        /// What was wrong, naming the field (`duration_ms is NaN; expected a finite number >= 0`).
        public var reason: String

        /// Creates a rejection.
        public init(index: Int, reason: String) {
            self.index = index
            self.reason = reason
        }

        public var description: String { "record \(index + 1): \(reason)" }
    }

    /// Events stored.
    public var acceptedEvents: Int
    /// Gauge samples stored.
    public var acceptedSamples: Int
    /// Records refused, in batch order.
    public var rejected: [Rejection]
    /// Accepted events and samples that went to an `__overflow__` series (they are counted there).
    public var overflowed: Int
    /// Series created by this batch.
    public var newSeries: Int
    /// Whether the batch's key was already stored: a retry of a batch committed before. Nothing was stored
    /// again; the counts are those of this copy.
    public var duplicate = false

    /// Creates a result.
    public init(
        acceptedEvents: Int = 0,
        acceptedSamples: Int = 0,
        rejected: [Rejection] = [],
        overflowed: Int = 0,
        newSeries: Int = 0
    ) {
        self.acceptedEvents = acceptedEvents
        self.acceptedSamples = acceptedSamples
        self.rejected = rejected
        self.overflowed = overflowed
        self.newSeries = newSeries
    }

    /// Events and samples stored.
    public var accepted: Int { acceptedEvents + acceptedSamples }
}
