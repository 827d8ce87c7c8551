public import Vitals

/// Where Vitals keeps events and gauge samples: per-series minute buckets rolled up into 10 minutes, hours, 6 hours
/// and days, plus raw events for drill-down. Everything above the store (rules, server, CLI) sees only this protocol; the
/// embedded SQLite store and the shared PostgreSQL store implement it and answer every query the same way.
///
/// - Ingest is by batch. When ``ingest(_:receivedAt:)`` returns, the batch is committed: it survives a crash
///   of the process. Concurrent batches share one commit.
/// - Queries merge buckets: the coarsest level that covers the range exactly, with finer buckets at the edges.
/// - ``rollUp(now:)`` and ``applyRetention(now:)`` are run periodically by ``StoreMaintenanceService``.
///
/// ```swift
/// let store = try await SQLiteStore.open(path: "vitals.db")
/// let result = try await store.ingest([.event(call)], receivedAt: .now())
/// let stats = try await store.eventStats(StatsQuery(name: "llm_call", range: .last(.seconds(3_600))))
/// try await store.close()
/// ```
public protocol MetricStore: Sendable {
    /// Stores a batch of events and gauge samples.
    ///
    /// Invalid records (an empty name, a negative or non-finite duration or value) are rejected one by one
    /// with a reason; the rest of the batch is stored. The whole accepted part is committed atomically.
    ///
    /// A batch may carry a key (a client's `Idempotency-Key`): the key is stored with the batch, in its
    /// transaction, and a batch whose key is already stored is not stored again (its result says `duplicate`).
    /// A client that retries a batch whose answer it never saw, with the same key, so stores it exactly once.
    /// Keys are kept for ``batchKeyRetention``.
    ///
    /// - Parameters:
    ///   - records: Events and samples, in any order and over any time span.
    ///   - receivedAt: The time filed for records that carry no timestamp.
    ///   - batchKey: The batch's key, `nil` for none.
    /// - Returns: What was accepted, rejected and folded into overflow series.
    /// - Throws: ``StoreError`` when the database fails; nothing of the batch is stored then.
    func ingest(_ records: [Record], receivedAt: Timestamp, batchKey: String?) async throws -> IngestResult

    /// Event statistics per group over a range.
    func eventStats(_ query: StatsQuery) async throws -> [EventStatsGroup]

    /// Gauge statistics per group over a range.
    func gaugeStats(_ query: StatsQuery) async throws -> [GaugeStatsGroup]

    /// Event statistics per group and per step (a whole number of minutes).
    func eventTimeSeries(_ query: StatsQuery, step: Duration) async throws -> [EventTimeSeries]

    /// Gauge statistics per group and per step (a whole number of minutes).
    func gaugeTimeSeries(_ query: StatsQuery, step: Duration) async throws -> [GaugeTimeSeries]

    /// Raw events, filtered, sorted and limited.
    func events(_ query: EventQuery) async throws -> [StoredEvent]

    /// The series matching a query, with when they were first and last seen, sorted by kind, name and labels.
    func series(_ query: SeriesQuery) async throws -> [SeriesInfo]

    /// The statistics of each event series named in `names` (every name when `nil`) merged over `range`, for
    /// the series with data in it (what rule evaluation reads).
    func eventStatisticsBySeries(
        names: Set<String>?,
        range: TimeRange
    ) async throws -> [(series: SeriesInfo, statistics: EventStatistics)]

    /// The statistics of each gauge series named in `names` (every name when `nil`) merged over `range`.
    func gaugeStatisticsBySeries(
        names: Set<String>?,
        range: TimeRange
    ) async throws -> [(series: SeriesInfo, statistics: GaugeStatistics)]

    /// Merges the minute buckets of every finished hour into hour buckets, and finished days into day buckets.
    func rollUp(now: Timestamp) async throws -> RollupReport

    /// Deletes what is older than the retention policy, in bounded chunks.
    func applyRetention(now: Timestamp) async throws -> RetentionReport

    /// Checks that the store is open and its database answers (the schema was migrated when it was opened).
    ///
    /// - Throws: ``StoreError`` saying what is wrong: closed, unreachable, corrupt.
    func checkHealth() async throws

    /// Finishes pending work and releases the database; later calls throw ``StoreError/Code/closed``.
    func close() async throws
}

extension MetricStore {
    /// Stores a batch, filing records without timestamps at the current time.
    public func ingest(_ records: [Record]) async throws -> IngestResult {
        try await ingest(records, receivedAt: .now(), batchKey: nil)
    }

    /// Stores a batch without a key.
    public func ingest(_ records: [Record], receivedAt: Timestamp) async throws -> IngestResult {
        try await ingest(records, receivedAt: receivedAt, batchKey: nil)
    }
}

/// How long a batch key is remembered: a retry later than this stores its batch again. A day.
public let batchKeyRetention: Duration = .seconds(86_400)

/// What one roll-up pass did.
public struct RollupReport: Sendable, Hashable {
    /// 10-minute buckets written.
    public var tenMinuteBuckets: Int
    /// Hour buckets written.
    public var hourBuckets: Int
    /// 6-hour buckets written.
    public var sixHourBuckets: Int
    /// Day buckets written.
    public var dayBuckets: Int

    /// Creates a report.
    public init(tenMinuteBuckets: Int = 0, hourBuckets: Int = 0, sixHourBuckets: Int = 0, dayBuckets: Int = 0) {
        self.tenMinuteBuckets = tenMinuteBuckets
        self.hourBuckets = hourBuckets
        self.sixHourBuckets = sixHourBuckets
        self.dayBuckets = dayBuckets
    }

    /// The buckets written at `level` (0 for minutes, which are not rolled up from anything).
    public subscript(level: BucketLevel) -> Int {
        get {
            switch level {
            case .minute: return 0
            case .tenMinutes: return tenMinuteBuckets
            case .hour: return hourBuckets
            case .sixHours: return sixHourBuckets
            case .day: return dayBuckets
            }
        }
        set {
            switch level {
            case .minute: break
            case .tenMinutes: tenMinuteBuckets = newValue
            case .hour: hourBuckets = newValue
            case .sixHours: sixHourBuckets = newValue
            case .day: dayBuckets = newValue
            }
        }
    }
}

/// What one retention pass deleted.
public struct RetentionReport: Sendable, Hashable {
    /// Raw events deleted.
    public var rawEvents: Int
    /// Buckets deleted (events and gauges), per level.
    public var buckets: [BucketLevel: Int]
    /// Batch keys forgotten (older than ``batchKeyRetention``).
    public var batchKeys = 0

    /// Creates a report.
    public init(rawEvents: Int = 0, buckets: [BucketLevel: Int] = [:]) {
        self.rawEvents = rawEvents
        self.buckets = buckets
    }
}
