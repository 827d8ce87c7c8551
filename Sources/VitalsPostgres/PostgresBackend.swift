import Logging
import PostgresNIO
import Vitals
import VitalsStore

/// The PostgreSQL implementation of the store's primitives, over a `PostgresClient` pool.
///
/// Writes send whole columns as arrays (`unnest`), so a batch costs a handful of round trips whatever its
/// size. Ingest holds a shared advisory lock and roll-ups an exclusive one: a roll-up never reads an hour
/// while a transaction that saw the old watermark is still writing into it.
final class PostgresBackend: StoreBackend {
    let client: PostgresClient
    let location: PostgresLocation
    /// See ``failingWithin(_:_:)``.
    let ingestDeadline: Duration
    let logger: Logger
    /// The keys of the series listed so far.
    let seriesKeys = SeriesKeyCache()

    init(client: PostgresClient, location: PostgresLocation, ingestDeadline: Duration, logger: Logger) {
        self.client = client
        self.location = location
        self.ingestDeadline = ingestDeadline
        self.logger = logger
    }

    func loadSeries(kind: SeriesKind, name: String) async throws -> [(id: Int64, key: SeriesKey)] {
        try await failingWithin("loading series") { [client, logger] in
            let rows = try await client.query(
                "SELECT id, labels FROM series WHERE kind = \(Int16(kind.rawValue)) AND name = \(name)",
                logger: logger
            )
            var series: [(id: Int64, key: SeriesKey)] = []
            for try await (id, labels) in rows.decode((Int64, String).self) {
                series.append((id, SeriesKey(kind: kind, name: name, labels: try SeriesKey.decodeLabels(labels))))
            }
            return series
        }
    }

    func write(_ group: WriteGroup) async throws -> WriteReceipt {
        try await failingWithin("writing a batch") { [self] in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    "SELECT pg_advisory_xact_lock_shared(\(PostgresSchema.rollupLock))",
                    logger: logger
                )
                let state = try await Self.state(connection, logger)
                let ids = try await writeSeries(group, connection)
                for level in BucketLevel.allCases {
                    let watermark = state.rolledUntil[level]
                    try await mergeEventBuckets(
                        group.eventBuckets(at: level, before: watermark),
                        level,
                        ids,
                        connection
                    )
                    try await mergeGaugeBuckets(
                        group.gaugeBuckets(at: level, before: watermark),
                        level,
                        ids,
                        connection
                    )
                }
                try await insertRawEvents(group, ids: ids, connection)
                if !group.batchKeys.isEmpty {
                    try await connection.query(
                        """
                        INSERT INTO batch_keys (key, received_at)
                        SELECT * FROM unnest(\(group.batchKeys.map(\.key))::text[], \(group.batchKeys.map(\.receivedAt))::bigint[])
                        ON CONFLICT (key) DO NOTHING
                        """,
                        logger: logger
                    )
                }
                return WriteReceipt(seriesIDs: ids, spanFirstID: nil)
            }
        }
    }

    func storedBatchKeys(_ keys: [String]) async throws -> Set<String> {
        try await failingWithin("reading batch keys") { [client, logger] in
            let rows = try await client.query(
                "SELECT key FROM batch_keys WHERE key = ANY(\(keys)::text[])",
                logger: logger
            )
            var stored = Set<String>()
            for try await key in rows.decode(String.self) { stored.insert(key) }
            return stored
        }
    }

    func forgetBatchKeys(before time: Int64) async throws -> Int {
        try await failing("forgetting old batch keys") {
            let rows = try await client.query(
                "WITH deleted AS (DELETE FROM batch_keys WHERE received_at < \(time) RETURNING 1) SELECT COUNT(*) FROM deleted",
                logger: logger
            )
            var deleted = 0
            for try await count in rows.decode(Int64.self) { deleted = Int(count) }
            return deleted
        }
    }

    func state() async throws -> StoreState {
        try await failing("reading the roll-up state") {
            try await client.withConnection { connection in try await Self.state(connection, logger) }
        }
    }

    func close() async throws {}

    /// Runs `body`, turning driver errors into ``StoreError``s naming the server and the action.
    @discardableResult
    func failing<T>(_ action: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw PostgresErrors.store(error, location: location, while: action)
        }
    }

    /// ``failing(_:_:)`` within ``ingestDeadline``: the longest an ingest step may wait on the server. After a crash
    /// of PostgreSQL, an ingest in flight was seen to wait for ever once the server was back, while the pool served
    /// other requests: it held the single ingest queue, and with it every later batch. Past the deadline the step
    /// fails (the client gets a 503 and retries with the same batch key) and the queue goes on.
    func failingWithin<T: Sendable>(
        _ action: String,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let location = location
        let ingestDeadline = ingestDeadline
        do {
            return try await withTimeout(ingestDeadline, name: "postgres_ingest", operation: body)
        } catch let error as TimeoutError {
            throw StoreError(
                code: .unreachable,
                message: "\(location): \(action) did not finish within \(ingestDeadline) (\(error)); retry later"
            )
        } catch {
            throw PostgresErrors.store(error, location: location, while: action)
        }
    }

    static func state(_ connection: PostgresConnection, _ logger: Logger) async throws -> StoreState {
        var state = StoreState()
        let rows = try await connection.query(
            "SELECT level, rolled_until, pruned_before FROM store_state",
            logger: logger
        )
        for try await (level, rolled, pruned) in rows.decode((Int16, Int64?, Int64?).self) {
            guard let level = BucketLevel(rawValue: Int(level)) else { continue }
            state.rolledUntil[level] = rolled
            state.prunedBefore[level] = pruned
        }
        return state
    }

    private func writeSeries(_ group: WriteGroup, _ connection: PostgresConnection) async throws -> [Int64] {
        var ids: [Int64] = []
        var known: [(id: Int64, first: Int64, last: Int64)] = []
        for (index, key) in group.series.enumerated() {
            let seen = group.seen[index]
            if let id = group.knownIDs[index] {
                ids.append(id)
                known.append((id, seen.first, seen.last))
                continue
            }
            let rows = try await connection.query(
                """
                INSERT INTO series (kind, name, labels, first_seen, last_seen)
                VALUES (\(Int16(key.kind.rawValue)), \(key.name), \(key.labelsText), \(seen.first), \(seen.last))
                ON CONFLICT (kind, name, labels) DO UPDATE SET
                    first_seen = LEAST(series.first_seen, EXCLUDED.first_seen),
                    last_seen = GREATEST(series.last_seen, EXCLUDED.last_seen)
                RETURNING id
                """,
                logger: logger
            )
            var created: Int64?
            for try await (id) in rows.decode(Int64.self) { created = id }
            guard let created else {
                throw StoreError(code: .storage, message: "\(location): series \(key) was not created")
            }
            ids.append(created)
        }
        guard !known.isEmpty else { return ids }
        // Sorted so that concurrent writers lock series rows in the same order.
        known.sort { $0.id < $1.id }
        try await connection.query(
            """
            UPDATE series SET first_seen = LEAST(series.first_seen, u.first), last_seen = GREATEST(series.last_seen, u.last)
            FROM unnest(\(known.map(\.id))::bigint[], \(known.map(\.first))::bigint[], \(known.map(\.last))::bigint[])
                AS u(id, first, last)
            WHERE series.id = u.id
            """,
            logger: logger
        )
        return ids
    }

    private func mergeEventBuckets(
        _ buckets: [BucketSlot: EventStatistics],
        _ level: BucketLevel,
        _ ids: [Int64],
        _ connection: PostgresConnection
    ) async throws {
        guard !buckets.isEmpty else { return }
        var merged: [SeriesStart: EventStatistics] = [:]
        let keys = Self.key(buckets, byStoredSeries: ids, into: &merged)
        let rows = try await connection.query(
            """
            SELECT series_id, start, count, errors, timeouts, sketch, sums FROM event_buckets
            WHERE level = \(Int16(level.rawValue))
              AND (series_id, start) IN (SELECT * FROM unnest(\(keys.map(\.seriesID))::bigint[], \(keys.map(\.start))::bigint[]))
            ORDER BY series_id, start
            FOR UPDATE
            """,
            logger: logger
        )
        for try await row in rows.decode((Int64, Int64, Int64, Int64, Int64, ByteBuffer, ByteBuffer).self) {
            let stored = try PostgresRows.eventStatistics(
                count: row.2,
                errors: row.3,
                timeouts: row.4,
                sketch: row.5,
                sums: row.6
            )
            merged[SeriesStart(seriesID: row.0, start: row.1)]?.merge(stored)
        }
        try await Self.upsertEventBuckets(merged, level: level, connection, logger)
    }

    /// Puts the buckets into `keyed` by stored series id and start; returns those keys in the order their rows
    /// are locked.
    private static func key<Statistics>(
        _ buckets: [BucketSlot: Statistics],
        byStoredSeries ids: [Int64],
        into keyed: inout [SeriesStart: Statistics]
    ) -> [SeriesStart] {
        for (slot, statistics) in buckets {
            keyed[SeriesStart(seriesID: ids[slot.series], start: slot.start)] = statistics
        }
        return keyed.keys.sorted { ($0.seriesID, $0.start) < ($1.seriesID, $1.start) }
    }

    static func upsertEventBuckets(
        _ buckets: [SeriesStart: EventStatistics],
        level: BucketLevel,
        _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws {
        guard !buckets.isEmpty else { return }
        var columns = EventBucketColumns(capacity: buckets.count)
        for (key, statistics) in buckets.sorted(by: {
            ($0.key.seriesID, $0.key.start) < ($1.key.seriesID, $1.key.start)
        }) {
            columns.append(key, statistics)
        }
        try await connection.query(
            """
            INSERT INTO event_buckets
                (level, series_id, start, count, errors, timeouts, duration_sum, duration_min, duration_max, sketch, sums)
            SELECT \(Int16(level.rawValue)), * FROM unnest(
                \(columns.seriesIDs)::bigint[], \(columns.starts)::bigint[], \(columns.counts)::bigint[],
                \(columns.errors)::bigint[], \(columns.timeouts)::bigint[], \(columns.sums)::float8[],
                \(columns.minimums)::float8[], \(columns.maximums)::float8[], \(columns.sketches)::bytea[],
                \(columns.attributeSums)::bytea[])
            ON CONFLICT (level, series_id, start) DO UPDATE SET
                count = EXCLUDED.count, errors = EXCLUDED.errors, timeouts = EXCLUDED.timeouts,
                duration_sum = EXCLUDED.duration_sum, duration_min = EXCLUDED.duration_min,
                duration_max = EXCLUDED.duration_max, sketch = EXCLUDED.sketch, sums = EXCLUDED.sums
            """,
            logger: logger
        )
    }

    private func mergeGaugeBuckets(
        _ buckets: [BucketSlot: GaugeStatistics],
        _ level: BucketLevel,
        _ ids: [Int64],
        _ connection: PostgresConnection
    ) async throws {
        guard !buckets.isEmpty else { return }
        var merged: [SeriesStart: GaugeStatistics] = [:]
        let keys = Self.key(buckets, byStoredSeries: ids, into: &merged)
        let rows = try await connection.query(
            """
            SELECT series_id, start, count, sum, min, max, last, last_time FROM gauge_buckets
            WHERE level = \(Int16(level.rawValue))
              AND (series_id, start) IN (SELECT * FROM unnest(\(keys.map(\.seriesID))::bigint[], \(keys.map(\.start))::bigint[]))
            ORDER BY series_id, start
            FOR UPDATE
            """,
            logger: logger
        )
        for try await row in rows.decode((Int64, Int64, Int64, Double, Double, Double, Double, Int64).self) {
            let stored = GaugeStatistics(
                count: UInt64(max(0, row.2)),
                sum: row.3,
                min: row.4,
                max: row.5,
                last: row.6,
                lastTime: Timestamp(nanosecondsSinceEpoch: row.7)
            )
            merged[SeriesStart(seriesID: row.0, start: row.1)]?.merge(stored)
        }
        try await Self.upsertGaugeBuckets(merged, level: level, connection, logger)
    }

    static func upsertGaugeBuckets(
        _ buckets: [SeriesStart: GaugeStatistics],
        level: BucketLevel,
        _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws {
        guard !buckets.isEmpty else { return }
        let sorted = buckets.sorted { ($0.key.seriesID, $0.key.start) < ($1.key.seriesID, $1.key.start) }
        try await connection.query(
            """
            INSERT INTO gauge_buckets (level, series_id, start, count, sum, min, max, last, last_time)
            SELECT \(Int16(level.rawValue)), * FROM unnest(
                \(sorted.map(\.key.seriesID))::bigint[], \(sorted.map(\.key.start))::bigint[],
                \(sorted.map { Int64($0.value.count) })::bigint[], \(sorted.map(\.value.sum))::float8[],
                \(sorted.map(\.value.min))::float8[], \(sorted.map(\.value.max))::float8[],
                \(sorted.map(\.value.last))::float8[], \(sorted.map(\.value.lastTime.nanosecondsSinceEpoch))::bigint[])
            ON CONFLICT (level, series_id, start) DO UPDATE SET
                count = EXCLUDED.count, sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max,
                last = EXCLUDED.last, last_time = EXCLUDED.last_time
            """,
            logger: logger
        )
    }

    /// One statement inserts the rows and records their span (id range, times, slowest, failures, and the
    /// slowest of the rows that are not standouts).
    private func insertRawEvents(_ group: WriteGroup, ids: [Int64], _ connection: PostgresConnection) async throws {
        guard let summary = group.rawSummary else { return }
        let rows = group.rawEvents
        let seriesIDs = group.rawSeries.map { ids[$0] }
        try await connection.query(
            """
            WITH inserted AS (
                INSERT INTO events (series_id, time, duration_ms, status, standout, detail)
                SELECT * FROM unnest(\(seriesIDs)::bigint[], \(rows.map(\.time))::bigint[],
                    \(rows.map(\.durationMilliseconds))::float8[], \(rows.map { Int16($0.status.storedCode) })::int2[],
                    \(summary.standouts)::bool[], \(rows.map { ByteBuffer(bytes: $0.detail) })::bytea[])
                RETURNING id)
            INSERT INTO event_spans (first_id, last_id, min_time, max_time, max_duration, failures, ordinary_max_duration)
            SELECT MIN(id), MAX(id), \(summary.minTime), \(summary.maxTime), \(summary.maxDuration), \(summary.failures),
                \(summary.ordinaryMaxDuration)
            FROM inserted
            """,
            logger: logger
        )
    }
}

/// A series and a bucket start: the key of a bucket within one level.
struct SeriesStart: Hashable {
    var seriesID: Int64
    var start: Int64
}
