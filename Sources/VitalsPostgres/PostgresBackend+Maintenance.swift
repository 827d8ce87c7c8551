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

    func deleteChunk(of target: RetentionTarget, before cutoff: Int64, limit: Int) async throws -> Int {
        let query: PostgresQuery
        switch target {
        case .rawEvents:
            // One index range per series (LATERAL), instead of a scan of the whole events table.
            query = """
                WITH doomed AS (
                    SELECT e.id FROM series s CROSS JOIN LATERAL (
                        SELECT id FROM events WHERE series_id = s.id AND time < \(cutoff) LIMIT \(Int64(limit))) e
                    WHERE s.kind = 0 LIMIT \(Int64(limit))),
                deleted AS (DELETE FROM events WHERE id IN (SELECT id FROM doomed) RETURNING 1)
                SELECT COUNT(*) FROM deleted
                """
        case .eventBuckets(let level):
            query = """
                WITH deleted AS (
                    DELETE FROM event_buckets WHERE (level, series_id, start) IN (
                        SELECT level, series_id, start FROM event_buckets
                        WHERE level = \(Int16(level.rawValue)) AND start < \(cutoff) LIMIT \(Int64(limit)))
                    RETURNING 1)
                SELECT COUNT(*) FROM deleted
                """
        case .gaugeBuckets(let level):
            query = """
                WITH deleted AS (
                    DELETE FROM gauge_buckets WHERE (level, series_id, start) IN (
                        SELECT level, series_id, start FROM gauge_buckets
                        WHERE level = \(Int16(level.rawValue)) AND start < \(cutoff) LIMIT \(Int64(limit)))
                    RETURNING 1)
                SELECT COUNT(*) FROM deleted
                """
        }
        return try await failing("deleting expired data") {
            let rows = try await client.query(query, logger: logger)
            for try await (count) in rows.decode(Int64.self) { return Int(count) }
            return 0
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
