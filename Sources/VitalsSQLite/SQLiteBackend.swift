import Foundation
import GRDB
import GRDBSQLite
import Vitals
import VitalsStore

/// The SQLite implementation of the store's primitives, over a GRDB `DatabasePool` (WAL: one writer, readers
/// that never block it).
final class SQLiteBackend: StoreBackend {
    let pool: DatabasePool
    let path: String
    /// Held by the one store of the database that keeps event buckets pending (see ``WriterLock``).
    let writerLock: WriterLock?
    /// The keys of the series listed so far.
    let seriesKeys = SeriesKeyCache()

    init(pool: DatabasePool, path: String, writerLock: WriterLock?) {
        self.pool = pool
        self.path = path
        self.writerLock = writerLock
    }

    var defersEventBuckets: Bool { writerLock != nil }

    func loadSeries(kind: SeriesKind, name: String) async throws -> [(id: Int64, key: SeriesKey)] {
        try await reading("loading series") { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT id, labels FROM series WHERE kind = ? AND name = ?",
                arguments: [kind.rawValue, name]
            )
            return try rows.map { row in
                (id: row[0], key: SeriesKey(kind: kind, name: name, labels: try SeriesKey.decodeLabels(row[1])))
            }
        }
    }

    func write(_ group: WriteGroup) async throws -> WriteReceipt {
        try await writing("writing a batch") { db in
            let state = try Self.state(db)
            let ids = try Self.writeSeries(group, db)
            for level in BucketLevel.allCases {
                let watermark = state.rolledUntil[level]
                try Self.mergeEventBuckets(group.eventBuckets(at: level, before: watermark), level: level, ids: ids, db)
                try Self.mergeGaugeBuckets(group.gaugeBuckets(at: level, before: watermark), level: level, ids: ids, db)
            }
            let spanFirstID = try Self.insertRawEvents(group, ids: ids, db)
            if group.recordsPendingSpan, let spanFirstID {
                try db.cachedStatement(sql: "INSERT INTO pending_spans (first_id) VALUES (?)")
                    .execute(arguments: [spanFirstID])
            }
            if !group.settledSpans.isEmpty {
                let delete = try db.cachedStatement(sql: "DELETE FROM pending_spans WHERE first_id = ?")
                for first in group.settledSpans { try delete.execute(arguments: [first]) }
            }
            if !group.batchKeys.isEmpty {
                let insert = try db.cachedStatement(
                    sql: "INSERT OR IGNORE INTO batch_keys (key, received_at) VALUES (?, ?)"
                )
                for (key, receivedAt) in group.batchKeys { try insert.execute(arguments: [key, receivedAt]) }
            }
            return WriteReceipt(seriesIDs: ids, spanFirstID: spanFirstID)
        }
    }

    func pendingSpans() async throws -> [EventSpan] {
        try await reading("reading pending spans") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(SQLiteRows.spanColumns) FROM event_spans
                    WHERE first_id IN (SELECT first_id FROM pending_spans) ORDER BY first_id
                    """
            ).map(SQLiteRows.span)
        }
    }

    func storedBatchKeys(_ keys: [String]) async throws -> Set<String> {
        try await reading("reading batch keys") { db in
            var stored = Set<String>()
            let select = try db.cachedStatement(sql: "SELECT 1 FROM batch_keys WHERE key = ?")
            for key in keys where try Int.fetchOne(select, arguments: [key]) != nil { stored.insert(key) }
            return stored
        }
    }

    func forgetBatchKeys(before time: Int64) async throws -> Int {
        try await writing("forgetting old batch keys") { db in
            try db.execute(sql: "DELETE FROM batch_keys WHERE received_at < ?", arguments: [time])
            return db.changesCount
        }
    }

    func state() async throws -> StoreState {
        try await reading("reading the roll-up state") { db in try Self.state(db) }
    }

    func close() async throws {
        defer { writerLock?.release() }
        do {
            try pool.close()
        } catch {
            throw SQLiteErrors.store(error, path: path, while: "closing")
        }
    }

    /// Runs a read, turning driver errors into ``StoreError``s naming the file and the action.
    func reading<T: Sendable>(_ action: String, _ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw SQLiteErrors.store(error, path: path, while: action)
        }
    }

    /// Runs a write transaction, turning driver errors into ``StoreError``s naming the file and the action.
    func writing<T: Sendable>(_ action: String, _ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw SQLiteErrors.store(error, path: path, while: action)
        }
    }

    static func state(_ db: Database) throws -> StoreState {
        var state = StoreState()
        for row in try Row.fetchAll(db, sql: "SELECT level, rolled_until, pruned_before FROM store_state") {
            guard let level = BucketLevel(rawValue: row[0]) else { continue }
            state.rolledUntil[level] = row[1]
            state.prunedBefore[level] = row[2]
        }
        return state
    }

    private static func writeSeries(_ group: WriteGroup, _ db: Database) throws -> [Int64] {
        let touch = try db.cachedStatement(
            sql: "UPDATE series SET first_seen = MIN(first_seen, ?), last_seen = MAX(last_seen, ?) WHERE id = ?"
        )
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO series (kind, name, labels, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (kind, name, labels) DO UPDATE SET
                    first_seen = MIN(first_seen, excluded.first_seen), last_seen = MAX(last_seen, excluded.last_seen)
                RETURNING id
                """
        )
        var ids: [Int64] = []
        ids.reserveCapacity(group.series.count)
        for (index, key) in group.series.enumerated() {
            let seen = group.seen[index]
            if let id = group.knownIDs[index] {
                // A known series whose times wait with its pending buckets has nothing to update here.
                if seen.first <= seen.last { try touch.execute(arguments: [seen.first, seen.last, id]) }
                ids.append(id)
            } else {
                let arguments: StatementArguments = [
                    key.kind.rawValue, key.name, key.labelsText, seen.first, seen.last,
                ]
                guard let id = try Int64.fetchOne(upsert, arguments: arguments) else {
                    throw StoreError(code: .storage, message: "series \(key) was not created")
                }
                ids.append(id)
            }
        }
        return ids
    }

    private static func mergeEventBuckets(
        _ buckets: [BucketSlot: EventStatistics],
        level: BucketLevel,
        ids: [Int64],
        _ db: Database
    ) throws {
        try mergeBuckets(
            buckets,
            level: level,
            ids: ids,
            select: "SELECT count, errors, timeouts, sketch, sums FROM event_buckets",
            db,
            merging: { statistics, row in statistics.merge(try SQLiteRows.eventStatistics(row, from: 0)) },
            replace: { try replaceEventBucket($0, level: level, seriesID: $1, start: $2, db) }
        )
    }

    /// Merges each bucket with the one stored at its place (read by `select … WHERE level, series_id, start`) and
    /// writes the sum back with `replace(statistics, seriesID, start)`.
    private static func mergeBuckets<Statistics>(
        _ buckets: [BucketSlot: Statistics],
        level: BucketLevel,
        ids: [Int64],
        select columns: String,
        _ db: Database,
        merging: (inout Statistics, Row) throws -> Void,
        replace: (Statistics, Int64, Int64) throws -> Void
    ) throws {
        guard !buckets.isEmpty else { return }
        let select = try db.cachedStatement(sql: columns + " WHERE level = ? AND series_id = ? AND start = ?")
        for (slot, statistics) in buckets {
            var merged = statistics
            let id = ids[slot.series]
            if let row = try Row.fetchOne(select, arguments: [level.rawValue, id, slot.start]) {
                try merging(&merged, row)
            }
            try replace(merged, id, slot.start)
        }
    }

    static func replaceEventBucket(
        _ statistics: EventStatistics,
        level: BucketLevel,
        seriesID: Int64,
        start: Int64,
        _ db: Database
    ) throws {
        let replace = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO event_buckets
                    (level, series_id, start, count, errors, timeouts, duration_sum, duration_min, duration_max,
                     sketch, sums)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        try replace.execute(arguments: [
            level.rawValue, seriesID, start,
            Int64(statistics.count), Int64(statistics.errors), Int64(statistics.timeouts),
            statistics.durations.sum, statistics.durations.min, statistics.durations.max,
            Data(statistics.durations.encoded()), Data(EventStatistics.encodeSums(statistics.attributeSums)),
        ])
    }

    private static func mergeGaugeBuckets(
        _ buckets: [BucketSlot: GaugeStatistics],
        level: BucketLevel,
        ids: [Int64],
        _ db: Database
    ) throws {
        try mergeBuckets(
            buckets,
            level: level,
            ids: ids,
            select: "SELECT count, sum, min, max, last, last_time FROM gauge_buckets",
            db,
            merging: { statistics, row in statistics.merge(SQLiteRows.gaugeStatistics(row, from: 0)) },
            replace: { try replaceGaugeBucket($0, level: level, seriesID: $1, start: $2, db) }
        )
    }

    static func replaceGaugeBucket(
        _ statistics: GaugeStatistics,
        level: BucketLevel,
        seriesID: Int64,
        start: Int64,
        _ db: Database
    ) throws {
        let replace = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO gauge_buckets (level, series_id, start, count, sum, min, max, last, last_time)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        try replace.execute(arguments: [
            level.rawValue, seriesID, start, Int64(statistics.count), statistics.sum, statistics.min, statistics.max,
            statistics.last, statistics.lastTime.nanosecondsSinceEpoch,
        ])
    }

    /// Raw rows per INSERT statement: SQLite opens a cursor on the table and on each of its indexes for every
    /// execution of a statement, which for one row each cost more than the rows themselves.
    private static let rawRowsPerInsert = 32

    /// Raw rows go through SQLite's C binding API on GRDB's cached statements, ``rawRowsPerInsert`` per
    /// statement: building GRDB argument arrays for a thousand rows per batch costs more than SQLite's own insert
    /// work. The commit's id range is recorded as a span, whose first id is returned.
    private static func insertRawEvents(_ group: WriteGroup, ids: [Int64], _ db: Database) throws -> Int64? {
        guard let summary = group.rawSummary else { return nil }
        let rows = group.rawEvents
        var firstID: Int64?
        var start = 0
        while start < rows.count {
            let count = min(rawRowsPerInsert, rows.count - start)
            let values = repeatElement("(?, ?, ?, ?, ?, ?)", count: count).joined(separator: ", ")
            let insert = try db.cachedStatement(
                sql: "INSERT INTO events (series_id, time, duration_ms, status, standout, detail) VALUES \(values)"
            )
            let handle = insert.sqliteStatement
            for offset in 0..<count {
                let index = start + offset
                let row = rows[index]
                let column = Int32(offset * 6)
                sqlite3_bind_int64(handle, column + 1, ids[group.rawSeries[index]])
                sqlite3_bind_int64(handle, column + 2, row.time)
                sqlite3_bind_double(handle, column + 3, row.durationMilliseconds)
                sqlite3_bind_int64(handle, column + 4, Int64(row.status.storedCode))
                sqlite3_bind_int64(handle, column + 5, summary.standouts[index] ? 1 : 0)
                // Copied by SQLite (SQLITE_TRANSIENT): the bytes must outlive the closure until the step.
                row.detail.withUnsafeBytes { detail in
                    if let bytes = detail.baseAddress, !detail.isEmpty {
                        _ = sqlite3_bind_blob(handle, column + 6, bytes, Int32(detail.count), transient)
                    } else {
                        _ = sqlite3_bind_zeroblob(handle, column + 6, 0)
                    }
                }
            }
            let code = sqlite3_step(handle)
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            guard code == SQLITE_DONE else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code),
                    message: String(cString: sqlite3_errmsg(db.sqliteConnection))
                )
            }
            // The writer holds the database's lock: one statement's rows take consecutive ids.
            if firstID == nil { firstID = db.lastInsertedRowID - Int64(count) + 1 }
            start += count
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO event_spans (\(SQLiteRows.spanColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            firstID, db.lastInsertedRowID, summary.minTime, summary.maxTime, summary.maxDuration, summary.failures,
            summary.ordinaryMaxDuration,
        ])
        return firstID
    }
}

/// SQLite's destructor value meaning "copy the bytes before the call returns".
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
