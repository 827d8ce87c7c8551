import PostgresNIO
import Vitals
import VitalsStore

extension PostgresBackend {
    func earliestBucketStart(level: BucketLevel, atOrAfter time: Int64) async throws -> Int64? {
        try await failing("finding buckets to roll up") {
            let rows = try await client.query(
                """
                SELECT LEAST(
                    (SELECT MIN(start) FROM event_buckets WHERE level = \(Int16(level.rawValue)) AND start >= \(time)),
                    (SELECT MIN(start) FROM gauge_buckets WHERE level = \(Int16(level.rawValue)) AND start >= \(time)))
                """,
                logger: logger
            )
            for try await (start) in rows.decode(Int64?.self) { return start }
            return nil
        }
    }

    func rollUp(into target: BucketLevel, from: Int64, to: Int64) async throws -> Int {
        guard let source = target.finer else { return 0 }
        return try await failing("rolling up \(source) buckets into \(target) buckets") {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.rollupLock))", logger: logger)
                var events: [SeriesStart: EventStatistics] = [:]
                let eventRows = try await connection.query(
                    """
                    SELECT series_id, start, count, errors, timeouts, sketch, sums FROM event_buckets
                    WHERE level = \(Int16(source.rawValue)) AND start >= \(from) AND start < \(to)
                    """,
                    logger: logger
                )
                for try await row in eventRows.decode((Int64, Int64, Int64, Int64, Int64, ByteBuffer, ByteBuffer).self)
                {
                    let key = SeriesStart(seriesID: row.0, start: target.start(of: row.1))
                    let statistics = try PostgresRows.eventStatistics(
                        count: row.2,
                        errors: row.3,
                        timeouts: row.4,
                        sketch: row.5,
                        sums: row.6
                    )
                    events[key, default: EventStatistics()].merge(statistics)
                }
                var gauges: [SeriesStart: GaugeStatistics] = [:]
                let gaugeRows = try await connection.query(
                    """
                    SELECT series_id, start, count, sum, min, max, last, last_time FROM gauge_buckets
                    WHERE level = \(Int16(source.rawValue)) AND start >= \(from) AND start < \(to)
                    """,
                    logger: logger
                )
                for try await row in gaugeRows.decode((Int64, Int64, Int64, Double, Double, Double, Double, Int64).self)
                {
                    let key = SeriesStart(seriesID: row.0, start: target.start(of: row.1))
                    let statistics = GaugeStatistics(
                        count: UInt64(max(0, row.2)),
                        sum: row.3,
                        min: row.4,
                        max: row.5,
                        last: row.6,
                        lastTime: Timestamp(nanosecondsSinceEpoch: row.7)
                    )
                    gauges[key, default: GaugeStatistics()].merge(statistics)
                }
                try await Self.upsertEventBuckets(events, level: target, connection, logger)
                try await Self.upsertGaugeBuckets(gauges, level: target, connection, logger)
                try await connection.query(
                    """
                    INSERT INTO store_state (level, rolled_until) VALUES (\(Int16(target.rawValue)), \(to))
                    ON CONFLICT (level) DO UPDATE SET
                        rolled_until = GREATEST(COALESCE(store_state.rolled_until, EXCLUDED.rolled_until), EXCLUDED.rolled_until)
                    """,
                    logger: logger
                )
                return events.count + gauges.count
            }
        }
    }

    func deleteChunk(
        of target: RetentionTarget,
        before cutoff: Int64,
        limit: Int
    ) async throws -> (deleted: Int, finished: Bool) {
        switch target {
        case .rawEvents:
            return try await failing("deleting expired events") {
                try await client.withTransaction(logger: logger) { connection in
                    // One span per chunk: its expired events go by id range; the span once all of it has expired.
                    let spans = try await connection.query(
                        """
                        SELECT first_id, last_id, max_time FROM event_spans WHERE min_time < \(cutoff)
                        ORDER BY first_id LIMIT 1 FOR UPDATE SKIP LOCKED
                        """,
                        logger: logger
                    )
                    var found: (Int64, Int64, Int64)?
                    for try await span in spans.decode((Int64, Int64, Int64).self) { found = span }
                    guard let (first, last, maxTime) = found else { return (0, true) }
                    let rows = try await connection.query(
                        """
                        WITH deleted AS (
                            DELETE FROM events WHERE id BETWEEN \(first) AND \(last) AND time < \(cutoff) RETURNING 1)
                        SELECT COUNT(*) FROM deleted
                        """,
                        logger: logger
                    )
                    var deleted = 0
                    for try await (count) in rows.decode(Int64.self) { deleted = Int(count) }
                    if maxTime < cutoff {
                        try await connection.query("DELETE FROM event_spans WHERE first_id = \(first)", logger: logger)
                    } else {
                        try await connection.query(
                            "UPDATE event_spans SET min_time = \(cutoff) WHERE first_id = \(first)",
                            logger: logger
                        )
                    }
                    return (deleted, false)
                }
            }
        case .eventBuckets(let level), .gaugeBuckets(let level):
            let table = if case .eventBuckets = target { "event_buckets" } else { "gauge_buckets" }
            var bindings = PostgresBindings()
            bindings.append(Int16(level.rawValue))
            bindings.append(cutoff)
            bindings.append(Int64(limit))
            let query = PostgresQuery(
                unsafeSQL: """
                    WITH deleted AS (
                        DELETE FROM \(table) WHERE (level, series_id, start) IN (
                            SELECT level, series_id, start FROM \(table) WHERE level = $1 AND start < $2 LIMIT $3)
                        RETURNING 1)
                    SELECT COUNT(*) FROM deleted
                    """,
                binds: bindings
            )
            return try await failing("deleting expired buckets") {
                let rows = try await client.query(query, logger: logger)
                var deleted = 0
                for try await (count) in rows.decode(Int64.self) { deleted = Int(count) }
                return (deleted, deleted < limit)
            }
        }
    }

    func recordPruned(level: BucketLevel, before time: Int64) async throws {
        try await failing("recording retention") {
            try await client.query(
                """
                INSERT INTO store_state (level, pruned_before) VALUES (\(Int16(level.rawValue)), \(time))
                ON CONFLICT (level) DO UPDATE SET
                    pruned_before = GREATEST(COALESCE(store_state.pruned_before, EXCLUDED.pruned_before), EXCLUDED.pruned_before)
                """,
                logger: logger
            )
        }
    }
}
