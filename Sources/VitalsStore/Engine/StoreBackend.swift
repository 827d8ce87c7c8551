package import Vitals

/// How far roll-ups and retention have gone, as recorded in the database.
package struct StoreState: Sendable, Hashable {
    /// Per level (hour, day): buckets of that level are complete for every start before this time.
    package var rolledUntil: [BucketLevel: Int64]
    /// Per level: buckets starting before this time may have been deleted by retention.
    package var prunedBefore: [BucketLevel: Int64]

    package init(rolledUntil: [BucketLevel: Int64] = [:], prunedBefore: [BucketLevel: Int64] = [:]) {
        self.rolledUntil = rolledUntil
        self.prunedBefore = prunedBefore
    }
}

/// A bucket read back from the database.
package struct StoredBucket<Statistics: Sendable>: Sendable {
    package var seriesID: Int64
    package var start: Int64
    package var statistics: Statistics

    package init(seriesID: Int64, start: Int64, statistics: Statistics) {
        self.seriesID = seriesID
        self.start = start
        self.statistics = statistics
    }
}

/// A raw event row read back, with its id and series.
package struct StoredRawEvent: Sendable {
    package var id: Int64
    package var seriesID: Int64
    package var row: RawEventRow

    package init(id: Int64, seriesID: Int64, row: RawEventRow) {
        self.id = id
        self.seriesID = seriesID
        self.row = row
    }
}

/// What retention deletes, one table or level at a time.
package enum RetentionTarget: Sendable, Hashable {
    case rawEvents
    case eventBuckets(BucketLevel)
    case gaugeBuckets(BucketLevel)
}

/// The filter of a raw-event read, resolved to series ids.
package struct RawEventFilter: Sendable {
    package var seriesIDs: [Int64]
    package var from: Int64
    package var to: Int64
    package var failedOnly: Bool
    package var order: EventQuery.Order
    package var limit: Int
    package var after: StoredEvent.Cursor?
    /// Whether the series ids are every event series (no condition on series needed).
    package var allSeries: Bool
}

/// What the event buckets starting at one time say about the events of some series: nothing longer than
/// `maxDuration`, `errors` failures among `count` events.
package struct EventBucketBound: Sendable, Hashable {
    package var start: Int64
    /// The longest duration; `+infinity` when a bucket does not record it.
    package var maxDuration: Double
    package var errors: Int64
    package var count: Int64

    package init(start: Int64, maxDuration: Double, errors: Int64, count: Int64) {
        self.start = start
        self.maxDuration = maxDuration
        self.errors = errors
        self.count = count
    }
}

/// The raw events one commit wrote: a range of event ids and what they hold, so that drill-down finds events
/// by time without an index on every event (which would cost more than the insert itself) and skips spans that
/// cannot hold an answer (no failure, nothing slower than what was found).
///
/// Two partial indexes cover the rest: every failed event by time, and each commit's standouts (the slowest
/// hundredth of each event name, at least one per name) by duration. A span records the longest duration of its
/// other events, so that a slowest-first query that has read the standouts skips every span whose ordinary
/// events cannot beat what it found.
package struct EventSpan: Sendable, Hashable {
    /// The first and last event id written by the commit (other writers' ids may lie in between).
    package var firstID: Int64
    package var lastID: Int64
    /// Earliest and latest event time in the span.
    package var minTime: Int64
    package var maxTime: Int64
    /// The longest duration in the span.
    package var maxDuration: Double
    /// Failed events in the span.
    package var failures: Int64
    /// The longest duration among the span's events that are not standouts (-1 when all are); `nil` for a span
    /// written before standouts were marked (schema version 5), whose events are all ordinary.
    package var ordinaryMaxDuration: Double?

    package init(
        firstID: Int64,
        lastID: Int64,
        minTime: Int64,
        maxTime: Int64,
        maxDuration: Double,
        failures: Int64,
        ordinaryMaxDuration: Double? = nil
    ) {
        self.firstID = firstID
        self.lastID = lastID
        self.minTime = minTime
        self.maxTime = maxTime
        self.maxDuration = maxDuration
        self.failures = failures
        self.ordinaryMaxDuration = ordinaryMaxDuration
    }
}

/// The storage primitives a database provides; ``BucketMetricStore`` builds the whole ``MetricStore`` on them,
/// so that series identity, overflow, bucket merging, query planning and roll-up decisions are the same code
/// for every backend.
package protocol StoreBackend: StateStore {
    /// The stored series of one name.
    func loadSeries(kind: SeriesKind, name: String) async throws -> [(id: Int64, key: SeriesKey)]

    /// Writes a group in one transaction, merging its buckets into stored ones (and into the coarser buckets
    /// already rolled up, so late data is never lost), storing its batch keys, recording its span as pending
    /// when it asks, and forgetting the pending spans it settles.
    func write(_ group: WriteGroup) async throws -> WriteReceipt

    /// Whether this store alone may leave event buckets pending in memory (see ``WriteGroup/recordsPendingSpan``):
    /// its raw events are durable, and no other process can hold pending spans of the same database.
    var defersEventBuckets: Bool { get }

    /// The spans recorded as pending and not settled yet: their raw events are in no bucket.
    func pendingSpans() async throws -> [EventSpan]

    /// Which of `keys` are stored batch keys (see ``WriteGroup/batchKeys``).
    func storedBatchKeys(_ keys: [String]) async throws -> Set<String>

    /// Forgets the batch keys received before `time` (nanoseconds); returns how many.
    func forgetBatchKeys(before time: Int64) async throws -> Int

    /// The roll-up and retention state.
    func state() async throws -> StoreState

    /// Series with first and last seen, optionally of one kind and name.
    func listSeries(kind: SeriesKind?, name: String?) async throws -> [SeriesInfo]

    /// Event buckets of `level` of the given series starting in `[from, to)`.
    func eventBuckets(
        level: BucketLevel,
        seriesIDs: [Int64],
        from: Int64,
        to: Int64
    ) async throws -> [StoredBucket<EventStatistics>]

    /// Gauge buckets of `level` of the given series starting in `[from, to)`.
    func gaugeBuckets(
        level: BucketLevel,
        seriesIDs: [Int64],
        from: Int64,
        to: Int64
    ) async throws -> [StoredBucket<GaugeStatistics>]

    /// Merges the event buckets of the merger's series in `segments` into it: segment by segment, each in the
    /// order ``eventBuckets(level:seriesIDs:from:to:)`` would return its buckets. One read for every segment of a
    /// query, so that a backend can fetch them in one statement.
    func mergeEventBuckets(segments: [BucketSegment], into merger: EventBucketMerger) async throws -> EventBucketMerger

    /// The spans whose time range overlaps `[from, to)` (with failures only, when asked; with an ordinary event at
    /// least `ordinaryAtLeast` long, when given: see ``EventSpan/ordinaryMaxDuration``).
    func eventSpans(from: Int64, to: Int64, failedOnly: Bool, ordinaryAtLeast: Double?) async throws -> [EventSpan]

    /// Per bucket start of `level` in `[from, to)`, the buckets of the series taken together: their longest
    /// duration, failures and events (no sketch is read). Drill-down uses them to skip spans that cannot hold
    /// an event of the series it wants.
    func eventBucketBounds(
        level: BucketLevel,
        seriesIDs: [Int64],
        from: Int64,
        to: Int64
    ) async throws
        -> [EventBucketBound]

    /// Raw events with ids in one of `spans`' ranges that match the filter, in its order, at most its limit.
    func rawEvents(in spans: [EventSpan], _ filter: RawEventFilter) async throws -> [StoredRawEvent]

    /// The events matching the filter that a partial index finds, in its order, at most its limit: failed events
    /// by time when it wants only those (newest or oldest first: the whole answer), else the standouts by
    /// duration (slowest first: a start that the spans' ordinary durations complete). Standouts of a few series
    /// are read by series, of many by duration alone.
    func indexedEvents(_ filter: RawEventFilter) async throws -> [StoredRawEvent]

    /// The earliest start of a `level` bucket (events or gauges) at or after `time`, if any.
    func earliestBucketStart(level: BucketLevel, atOrAfter time: Int64) async throws -> Int64?

    /// In one transaction that excludes concurrent writers: replaces the `target` buckets starting in
    /// `[from, to)` by the merge of the finer buckets they cover, and records `to` as the target's watermark.
    ///
    /// - Returns: The number of target buckets written.
    func rollUp(into target: BucketLevel, from: Int64, to: Int64) async throws -> Int

    /// Deletes a bounded chunk of `target` older than `cutoff` (at most `limit` buckets, or the expired events
    /// of one span) and returns how many rows it deleted, and whether nothing is left to delete.
    func deleteChunk(
        of target: RetentionTarget,
        before cutoff: Int64,
        limit: Int
    ) async throws -> (deleted: Int, finished: Bool)

    /// Records that `level` buckets before `time` may be gone.
    func recordPruned(level: BucketLevel, before time: Int64) async throws

    /// Releases the database.
    func close() async throws
}

/// What a backend's write created: the id of each series of the group, in order, and the first event id of the
/// span it wrote (`nil` without raw events).
package struct WriteReceipt: Sendable {
    package var seriesIDs: [Int64]
    package var spanFirstID: Int64?

    package init(seriesIDs: [Int64], spanFirstID: Int64?) {
        self.seriesIDs = seriesIDs
        self.spanFirstID = spanFirstID
    }
}

extension StoreBackend {
    /// A backend shared by several writers writes every bucket at once.
    package var defersEventBuckets: Bool { false }

    package func pendingSpans() async throws -> [EventSpan] { [] }
}

/// The orders of ``EventQuery/Order`` as comparisons, for backends that merge partial results.
package enum RawEventOrdering {
    package static func precedes(_ order: EventQuery.Order) -> @Sendable (StoredRawEvent, StoredRawEvent) -> Bool {
        switch order {
        case .newestFirst:
            return { ($0.row.time, $0.id) > ($1.row.time, $1.id) }
        case .oldestFirst:
            return { ($0.row.time, $0.id) < ($1.row.time, $1.id) }
        case .slowestFirst:
            return { lhs, rhs in
                if lhs.row.durationMilliseconds != rhs.row.durationMilliseconds {
                    return lhs.row.durationMilliseconds > rhs.row.durationMilliseconds
                }
                return lhs.id < rhs.id
            }
        }
    }
}
