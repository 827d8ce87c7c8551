import PostgresNIO
import Vitals
import VitalsStore

extension PostgresBackend {
    func listSeries(kind: SeriesKind?, name: String?) async throws -> [SeriesInfo] {
        try await failing("listing series") {
            let kindFilter = kind.map { Int16($0.rawValue) }
            let rows = try await client.query(
                """
                SELECT id, kind, name, labels, first_seen, last_seen FROM series
                WHERE (\(kindFilter)::smallint IS NULL OR kind = \(kindFilter)::smallint)
                  AND (\(name)::text IS NULL OR name = \(name)::text)
                """,
                logger: logger
            )
            var series: [SeriesInfo] = []
            for try await (id, kind, name, labels, first, last) in rows.decode(
                (Int64, Int16, String, String, Int64, Int64).self
            ) {
                guard let kind = SeriesKind(rawValue: Int(kind)) else { continue }
                series.append(
                    SeriesInfo(
                        id: id,
                        key: SeriesKey(kind: kind, name: name, labels: try SeriesKey.decodeLabels(labels)),
                        firstSeen: Timestamp(nanosecondsSinceEpoch: first),
                        lastSeen: Timestamp(nanosecondsSinceEpoch: last)
                    )
                )
            }
            return series
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
                WHERE level = \(Int16(level.rawValue)) AND start >= \(from) AND start < \(to)
                  AND series_id = ANY(\(seriesIDs)::bigint[])
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
                WHERE level = \(Int16(level.rawValue)) AND start >= \(from) AND start < \(to)
                  AND series_id = ANY(\(seriesIDs)::bigint[])
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

    func rawEvents(_ filter: RawEventFilter) async throws -> [StoredRawEvent] {
        try await failing("reading events") {
            var query: PostgresQuery = """
                SELECT id, series_id, time, duration_ms, status, detail FROM events
                WHERE time >= \(filter.from) AND time < \(filter.to) AND series_id = ANY(\(filter.seriesIDs)::bigint[])
                """
            var bindings = query.binds
            var sql = query.sql
            if filter.failedOnly { sql += " AND status <> 0" }
            if let after = filter.after {
                bindings.append(after.time.nanosecondsSinceEpoch)
                bindings.append(after.id)
                sql += " AND (time, id) > ($\(bindings.count - 1), $\(bindings.count))"
            }
            bindings.append(Int64(filter.limit))
            sql += " ORDER BY \(Self.orderClause(filter.order)) LIMIT $\(bindings.count)"
            query = PostgresQuery(unsafeSQL: sql, binds: bindings)
            let rows = try await client.query(query, logger: logger)
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

    static func orderClause(_ order: EventQuery.Order) -> String {
        switch order {
        case .newestFirst: return "time DESC, id DESC"
        case .oldestFirst: return "time ASC, id ASC"
        case .slowestFirst: return "duration_ms DESC, id ASC"
        }
    }
}
