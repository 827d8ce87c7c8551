import PostgresNIO
import Vitals
import VitalsStore

extension PostgresBackend {
    func listSeries(kind: SeriesKind?, name: String?) async throws -> [SeriesInfo] {
        try await failing("listing series") { [client, logger, seriesKeys] in
            let kindFilter = kind.map { Int16($0.rawValue) }
            let listed = try await client.query(
                """
                SELECT id, first_seen, last_seen FROM series
                WHERE (\(kindFilter)::smallint IS NULL OR kind = \(kindFilter)::smallint)
                  AND (\(name)::text IS NULL OR name = \(name)::text)
                """,
                logger: logger
            )
            var rows: [(id: Int64, first: Int64, last: Int64)] = []
            for try await row in listed.decode((Int64, Int64, Int64).self) { rows.append(row) }
            // Labels are read and decoded only for series this backend has not listed before.
            let missing = seriesKeys.missing(rows.map(\.id))
            var loaded: [(id: Int64, key: SeriesKey)] = []
            if !missing.isEmpty {
                let keys = try await client.query(
                    "SELECT id, kind, name, labels FROM series WHERE id = ANY(\(missing))",
                    logger: logger
                )
                for try await (id, kind, name, labels) in keys.decode((Int64, Int16, String, String).self) {
                    guard let kind = SeriesKind(rawValue: Int(kind)) else { continue }
                    loaded.append((id, SeriesKey(kind: kind, name: name, labels: try SeriesKey.decodeLabels(labels))))
                }
            }
            return seriesKeys.series(rows, loaded: loaded)
        }
    }

    func eventBuckets(
        level: BucketLevel,
        seriesIDs: [Int64],
        from: Int64,
        to: Int64
    ) async throws -> [StoredBucket<EventStatistics>] {
        try await failing("reading event buckets") {
            let rows = try await client.query(
                """
                SELECT series_id, start, count, errors, timeouts, sketch, sums FROM event_buckets
                WHERE level = \(Int16(level.rawValue)) AND series_id = ANY(\(seriesIDs)::bigint[])
                  AND start >= \(from) AND start < \(to)
                ORDER BY series_id, start
                """,
                logger: logger
            )
            var buckets: [StoredBucket<EventStatistics>] = []
            for try await row in rows.decode((Int64, Int64, Int64, Int64, Int64, ByteBuffer, ByteBuffer).self) {
                let statistics = try PostgresRows.eventStatistics(
                    count: row.2,
                    errors: row.3,
                    timeouts: row.4,
                    sketch: row.5,
                    sums: row.6
                )
                buckets.append(StoredBucket(seriesID: row.0, start: row.1, statistics: statistics))
            }
            return buckets
        }
    }

    func gaugeBuckets(
        level: BucketLevel,
        seriesIDs: [Int64],
        from: Int64,
        to: Int64
    ) async throws -> [StoredBucket<GaugeStatistics>] {
        try await failing("reading gauge buckets") {
            let rows = try await client.query(
                """
                SELECT series_id, start, count, sum, min, max, last, last_time FROM gauge_buckets
                WHERE level = \(Int16(level.rawValue)) AND series_id = ANY(\(seriesIDs)::bigint[])
                  AND start >= \(from) AND start < \(to)
                ORDER BY series_id, start
                """,
                logger: logger
            )
            var buckets: [StoredBucket<GaugeStatistics>] = []
            for try await row in rows.decode((Int64, Int64, Int64, Double, Double, Double, Double, Int64).self) {
                let statistics = GaugeStatistics(
                    count: UInt64(max(0, row.2)),
                    sum: row.3,
                    min: row.4,
                    max: row.5,
                    last: row.6,
                    lastTime: Timestamp(nanosecondsSinceEpoch: row.7)
                )
                buckets.append(StoredBucket(seriesID: row.0, start: row.1, statistics: statistics))
            }
            return buckets
        }
    }

    func mergeEventBuckets(segments: [BucketSegment], into merger: EventBucketMerger) async throws -> EventBucketMerger
    {
        // A time series of many uneven steps can plan thousands of segments; a statement takes at most 65,535 binds.
        var merger = merger
        for first in stride(from: 0, to: segments.count, by: Self.segmentsPerStatement) {
            let chunk = Array(segments[first..<min(first + Self.segmentsPerStatement, segments.count)])
            merger = try await mergeEventBuckets(chunk, into: merger)
        }
        return merger
    }

    /// The most segments one bucket statement reads (three binds each).
    private static var segmentsPerStatement: Int { 1_000 }

    private func mergeEventBuckets(
        _ segments: [BucketSegment],
        into merger: EventBucketMerger
    ) async throws
        -> EventBucketMerger
    {
        try await failing("reading event buckets") {
            // One row per series, its buckets packed into one bytea (start, count, errors, timeouts as 8 bytes, then
            // the sketch and the sums, each after its length in 4 bytes, all big-endian): a day of 100 agents is
            // 400 rows instead of 16,000, and rows, not bytes, were what the client spent its time on. No ORDER BY
            // in the aggregate (merging does not depend on order; sorting each series cost a third more).
            //
            // Series as `= ANY(array)`, one scan, as in every bucket read here: joined series by series (a lateral
            // subquery per series), the planner, with statistics older than the newest buckets, read each series
            // through the (level, start) index, every series' buckets of the range once per series: 0.7 to 1.3 s
            // instead of 30 ms for a day of 400 series right after a bulk load.
            //
            // Every segment in one statement (one index scan each, OR-ed): planned once, one round trip, each series
            // aggregated once; a statement per segment spent about a millisecond planning each.
            var query = PostgresQuery(
                unsafeSQL: """
                    SELECT series_id, string_agg(
                        int8send(start) || int8send(count) || int8send(errors) || int8send(timeouts)
                            || int4send(length(sketch)) || sketch || int4send(length(sums)) || sums,
                        ''::bytea
                    )
                    FROM event_buckets
                    WHERE series_id = ANY($1::bigint[]) AND (
                    """
            )
            query.binds.append(merger.seriesIDs)
            for (index, segment) in segments.enumerated() {
                let first = query.binds.count + 1
                query.sql +=
                    (index == 0 ? "" : " OR ")
                    + "(level = $\(first) AND start >= $\(first + 1) AND start < $\(first + 2))"
                query.binds.append(Int16(segment.level.rawValue))
                query.binds.append(segment.from)
                query.binds.append(segment.to)
            }
            query.sql += ") GROUP BY series_id ORDER BY series_id"
            let rows = try await client.query(query, logger: logger)
            var merger = merger
            for try await (series, packed) in rows.decode((Int64, ByteBuffer).self) {
                var packed = packed
                while packed.readableBytes > 0 {
                    guard let start = packed.readInteger(as: Int64.self),
                        let count = packed.readInteger(as: Int64.self),
                        let errors = packed.readInteger(as: Int64.self),
                        let timeouts = packed.readInteger(as: Int64.self),
                        let sketchLength = packed.readInteger(as: Int32.self), sketchLength >= 0,
                        let sketch = packed.readSlice(length: Int(sketchLength)),
                        let sumsLength = packed.readInteger(as: Int32.self), sumsLength >= 0,
                        let sums = packed.readSlice(length: Int(sumsLength))
                    else {
                        throw StoreError(code: .corruptDatabase, message: "event buckets read back truncated")
                    }
                    try sketch.withUnsafeReadableBytes { sketch in
                        try sums.withUnsafeReadableBytes { sums in
                            try merger.add(
                                seriesID: series,
                                start: start,
                                count: count,
                                errors: errors,
                                timeouts: timeouts,
                                sketch: sketch,
                                sums: sums
                            )
                        }
                    }
                }
            }
            return merger
        }
    }

    func eventBucketBounds(
        level: BucketLevel,
        seriesIDs: [Int64],
        from: Int64,
        to: Int64
    ) async throws -> [EventBucketBound] {
        try await failing("reading event bucket bounds") {
            // A bucket without a recorded maximum bounds nothing: it counts as infinitely long.
            let rows = try await client.query(
                """
                SELECT start, MAX(duration_max), COUNT(*) FILTER (WHERE duration_max IS NULL),
                       SUM(errors)::bigint, SUM(count)::bigint
                FROM event_buckets
                WHERE level = \(Int16(level.rawValue)) AND series_id = ANY(\(seriesIDs)::bigint[])
                  AND start >= \(from) AND start < \(to)
                GROUP BY start
                """,
                logger: logger
            )
            var bounds: [EventBucketBound] = []
            for try await (start, maxDuration, unbounded, errors, count) in rows.decode(
                (Int64, Double?, Int64, Int64, Int64).self
            ) {
                bounds.append(
                    EventBucketBound(
                        start: start,
                        maxDuration: unbounded > 0 ? .infinity : maxDuration ?? .infinity,
                        errors: errors,
                        count: count
                    )
                )
            }
            return bounds
        }
    }

    func eventSpans(from: Int64, to: Int64, failedOnly: Bool, ordinaryAtLeast: Double?) async throws -> [EventSpan] {
        try await failing("reading event spans") {
            let rows = try await client.query(
                """
                SELECT first_id, last_id, min_time, max_time, max_duration, failures, ordinary_max_duration
                FROM event_spans WHERE max_time >= \(from) AND min_time < \(to) AND (NOT \(failedOnly) OR failures > 0)
                AND coalesce(ordinary_max_duration, max_duration) >= \(ordinaryAtLeast ?? -Double.infinity)
                """,
                logger: logger
            )
            var spans: [EventSpan] = []
            for try await (first, last, minTime, maxTime, maxDuration, failures, ordinaryMaxDuration) in rows.decode(
                (Int64, Int64, Int64, Int64, Double, Int64, Double?).self
            ) {
                spans.append(
                    EventSpan(
                        firstID: first,
                        lastID: last,
                        minTime: minTime,
                        maxTime: maxTime,
                        maxDuration: maxDuration,
                        failures: failures,
                        ordinaryMaxDuration: ordinaryMaxDuration
                    )
                )
            }
            return spans
        }
    }

    func rawEvents(in spans: [EventSpan], _ filter: RawEventFilter) async throws -> [StoredRawEvent] {
        guard !spans.isEmpty else { return [] }
        var bindings = PostgresBindings()
        bindings.append(spans.map(\.firstID))
        bindings.append(spans.map(\.lastID))
        let conditions = Self.conditions(filter, alias: "e", &bindings)
        bindings.append(Int64(filter.limit))
        // The id ranges as a join on unnest, so PostgreSQL walks the primary key range of each span. `OFFSET 0`
        // keeps the subquery a per-span primary-key range scan: flattened into the join, the planner sorted the
        // whole table by the query's order to stop at its limit (a sequential scan of 2.3M events, 200 ms, for 16
        // spans of 1,000).
        return try await selectEvents(
            """
            SELECT e.id, e.series_id, e.time, e.duration_ms, e.status, e.detail
            FROM unnest($1::bigint[], $2::bigint[]) AS r(first_id, last_id)
            CROSS JOIN LATERAL (
                SELECT * FROM events e WHERE e.id BETWEEN r.first_id AND r.last_id AND \(conditions) OFFSET 0
            ) e
            ORDER BY \(Self.orderClause(filter.order, alias: "e")) LIMIT $\(bindings.count)
            """,
            bindings
        )
    }

    func indexedEvents(_ filter: RawEventFilter) async throws -> [StoredRawEvent] {
        var bindings = PostgresBindings()
        // Failed events by time are the whole answer; standouts by duration, a start (see `EventSpan`).
        let failures = filter.failedOnly && filter.order != .slowestFirst
        // On the failures' index, `series_id = ANY(…)` would be an index condition on its second column, whose
        // scan PostgreSQL 15 does not return in time order: every failure of the range would be read and sorted
        // (50 ms for 7 days of a 10M-event store). As `series_id + 0` it is checked on each row of an ordered scan.
        var conditions = Self.conditions(
            filter,
            alias: "e",
            seriesColumn: failures ? "e.series_id + 0" : nil,
            &bindings
        )
        if !failures { conditions += " AND e.standout" }
        bindings.append(Int64(filter.limit))
        return try await selectEvents(
            """
            SELECT e.id, e.series_id, e.time, e.duration_ms, e.status, e.detail FROM events e
            WHERE \(conditions) ORDER BY \(Self.orderClause(filter.order, alias: "e")) LIMIT $\(bindings.count)
            """,
            bindings
        )
    }

    /// The filter's conditions on events aliased `alias`, its values appended to `bindings`; `seriesColumn` is what
    /// the series ids are compared with (the alias's `series_id` by default).
    private static func conditions(
        _ filter: RawEventFilter,
        alias e: String,
        seriesColumn: String? = nil,
        _ bindings: inout PostgresBindings
    ) -> String {
        bindings.append(filter.from)
        bindings.append(filter.to)
        var conditions = "\(e).time >= $\(bindings.count - 1) AND \(e).time < $\(bindings.count)"
        if !filter.allSeries {
            bindings.append(filter.seriesIDs)
            conditions += " AND \(seriesColumn ?? e + ".series_id") = ANY($\(bindings.count)::bigint[])"
        }
        if filter.failedOnly { conditions += " AND \(e).status <> 0" }
        if let after = filter.after {
            bindings.append(after.time.nanosecondsSinceEpoch)
            bindings.append(after.id)
            conditions += " AND (\(e).time, \(e).id) > ($\(bindings.count - 1), $\(bindings.count))"
        }
        return conditions
    }

    /// Runs a query selecting `id, series_id, time, duration_ms, status, detail`.
    private func selectEvents(_ sql: String, _ bindings: PostgresBindings) async throws -> [StoredRawEvent] {
        try await failing("reading events") {
            let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            var events: [StoredRawEvent] = []
            for try await (id, series, time, duration, status, detail) in rows.decode(
                (Int64, Int64, Int64, Double, Int16, ByteBuffer).self
            ) {
                let row = RawEventRow(
                    time: time,
                    durationMilliseconds: duration,
                    status: EventStatus(storedCode: Int(status)),
                    detail: Array(detail.readableBytesView)
                )
                events.append(StoredRawEvent(id: id, seriesID: series, row: row))
            }
            return events
        }
    }

    static func orderClause(_ order: EventQuery.Order, alias: String) -> String {
        switch order {
        case .newestFirst: return "\(alias).time DESC, \(alias).id DESC"
        case .oldestFirst: return "\(alias).time ASC, \(alias).id ASC"
        case .slowestFirst: return "\(alias).duration_ms DESC, \(alias).id ASC"
        }
    }
}
