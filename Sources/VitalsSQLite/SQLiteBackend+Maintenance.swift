import Foundation
import GRDB
import Vitals
import VitalsStore

extension SQLiteBackend {
    func earliestBucketStart(level: BucketLevel, atOrAfter time: Int64) async throws -> Int64? {
        try await reading("finding buckets to roll up") { db in
            let events = try Int64.fetchOne(
                db,
                sql: "SELECT MIN(start) FROM event_buckets WHERE level = ? AND start >= ?",
                arguments: [level.rawValue, time]
            )
            let gauges = try Int64.fetchOne(
                db,
                sql: "SELECT MIN(start) FROM gauge_buckets WHERE level = ? AND start >= ?",
                arguments: [level.rawValue, time]
            )
            return [events, gauges].compactMap { $0 }.min()
        }
    }

    func rollUp(into target: BucketLevel, from: Int64, to: Int64) async throws -> Int {
        guard let source = target.finer else { return 0 }
        // SQLite has one writer at a time, so this transaction already excludes concurrent ingest.
        return try await writing("rolling up \(source) buckets into \(target) buckets") { db in
            var events: [SeriesStart: EventStatistics] = [:]
            let eventRows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT series_id, start, count, errors, timeouts, sketch, sums FROM event_buckets
                    WHERE level = ? AND start >= ? AND start < ?
                    """,
                arguments: [source.rawValue, from, to]
            )
            while let row = try eventRows.next() {
                let key = SeriesStart(seriesID: row[0], start: target.start(of: row[1]))
                events[key, default: EventStatistics()].merge(try SQLiteRows.eventStatistics(row, from: 2))
            }
            var gauges: [SeriesStart: GaugeStatistics] = [:]
            let gaugeRows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT series_id, start, count, sum, min, max, last, last_time FROM gauge_buckets
                    WHERE level = ? AND start >= ? AND start < ?
                    """,
                arguments: [source.rawValue, from, to]
            )
            while let row = try gaugeRows.next() {
                let key = SeriesStart(seriesID: row[0], start: target.start(of: row[1]))
                gauges[key, default: GaugeStatistics()].merge(SQLiteRows.gaugeStatistics(row, from: 2))
            }
            for (key, statistics) in events {
                try Self.replaceEventBucket(statistics, level: target, seriesID: key.seriesID, start: key.start, db)
            }
            for (key, statistics) in gauges {
                try Self.replaceGaugeBucket(statistics, level: target, seriesID: key.seriesID, start: key.start, db)
            }
            try db.execute(
                sql: """
                    INSERT INTO store_state (level, rolled_until) VALUES (?, ?)
                    ON CONFLICT (level) DO UPDATE SET rolled_until = MAX(COALESCE(rolled_until, excluded.rolled_until), excluded.rolled_until)
                    """,
                arguments: [target.rawValue, to]
            )
            return events.count + gauges.count
        }
    }

    func deleteChunk(
        of target: RetentionTarget,
        before cutoff: Int64,
        limit: Int
    ) async throws -> (deleted: Int, finished: Bool) {
        switch target {
        case .rawEvents:
            return try await writing("deleting expired events") { db in
                // One span per chunk: its expired events go by id range; the span goes once all of it has expired.
                guard
                    let span = try Row.fetchOne(
                        db,
                        sql:
                            "SELECT first_id, last_id, max_time FROM event_spans WHERE min_time < ? ORDER BY first_id LIMIT 1",
                        arguments: [cutoff]
                    )
                else { return (0, true) }
                let first: Int64 = span[0]
                let last: Int64 = span[1]
                let maxTime: Int64 = span[2]
                try db.execute(
                    sql: "DELETE FROM events WHERE id BETWEEN ? AND ? AND time < ?",
                    arguments: [first, last, cutoff]
                )
                let deleted = db.changesCount
                if maxTime < cutoff {
                    try db.execute(sql: "DELETE FROM event_spans WHERE first_id = ?", arguments: [first])
                } else {
                    try db.execute(
                        sql: "UPDATE event_spans SET min_time = ? WHERE first_id = ?",
                        arguments: [cutoff, first]
                    )
                }
                return (deleted, false)
            }
        case .eventBuckets(let level), .gaugeBuckets(let level):
            let table = if case .eventBuckets = target { "event_buckets" } else { "gauge_buckets" }
            let sql = """
                DELETE FROM \(table) WHERE (level, series_id, start) IN (
                    SELECT level, series_id, start FROM \(table) WHERE level = ? AND start < ? LIMIT ?)
                """
            let arguments: StatementArguments = [level.rawValue, cutoff, limit]
            return try await writing("deleting expired buckets") { db in
                try db.execute(sql: sql, arguments: arguments)
                let deleted = db.changesCount
                return (deleted, deleted < limit)
            }
        }
    }

    func recordPruned(level: BucketLevel, before time: Int64) async throws {
        try await writing("recording retention") { db in
            try db.execute(
                sql: """
                    INSERT INTO store_state (level, pruned_before) VALUES (?, ?)
                    ON CONFLICT (level) DO UPDATE SET pruned_before = MAX(COALESCE(pruned_before, excluded.pruned_before), excluded.pruned_before)
                    """,
                arguments: [level.rawValue, time]
            )
        }
    }
}

/// A series and a bucket start: the key of a bucket within one level.
struct SeriesStart: Hashable {
    var seriesID: Int64
    var start: Int64
}
