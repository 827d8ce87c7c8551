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

    func deleteChunk(of target: RetentionTarget, before cutoff: Int64, limit: Int) async throws -> Int {
        let sql: String
        var arguments: StatementArguments
        switch target {
        case .rawEvents:
            // Walks the (series_id, time) index series by series instead of scanning the table.
            sql = """
                DELETE FROM events WHERE id IN (
                    SELECT e.id FROM series s JOIN events e ON e.series_id = s.id AND e.time < ?
                    WHERE s.kind = 0 LIMIT ?)
                """
            arguments = [cutoff, limit]
        case .eventBuckets(let level):
            sql = """
                DELETE FROM event_buckets WHERE (level, series_id, start) IN (
                    SELECT level, series_id, start FROM event_buckets WHERE level = ? AND start < ? LIMIT ?)
                """
            arguments = [level.rawValue, cutoff, limit]
        case .gaugeBuckets(let level):
            sql = """
                DELETE FROM gauge_buckets WHERE (level, series_id, start) IN (
                    SELECT level, series_id, start FROM gauge_buckets WHERE level = ? AND start < ? LIMIT ?)
                """
            arguments = [level.rawValue, cutoff, limit]
        }
        let statementArguments = arguments
        return try await writing("deleting expired data") { db in
            try db.execute(sql: sql, arguments: statementArguments)
            return db.changesCount
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
