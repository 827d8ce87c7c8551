import Foundation
import GRDB
import GRDBSQLite
import Vitals
import VitalsStore

extension SQLiteBackend {
    func listSeries(kind: SeriesKind?, name: String?) async throws -> [SeriesInfo] {
        try await reading("listing series") { [seriesKeys] db in
            var sql = "SELECT id, first_seen, last_seen FROM series"
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let kind {
                conditions.append("kind = ?")
                arguments += [kind.rawValue]
            }
            if let name {
                conditions.append("name = ?")
                arguments += [name]
            }
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            var rows: [(id: Int64, first: Int64, last: Int64)] = []
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try cursor.next() { rows.append((row[0], row[1], row[2])) }
            // Labels are read and decoded only for series this backend has not listed before.
            var loaded: [(id: Int64, key: SeriesKey)] = []
            for chunk in seriesKeys.missing(rows.map(\.id)).chunked(SQLiteRows.idsPerStatement) {
                let keys = try Row.fetchCursor(
                    db,
                    sql: "SELECT id, kind, name, labels FROM series WHERE id IN "
                        + SQLiteRows.placeholders(chunk.count),
                    arguments: StatementArguments(chunk)
                )
                while let row = try keys.next() {
                    guard let kind = SeriesKind(rawValue: row[1]) else { continue }
                    loaded.append(
                        (row[0], SeriesKey(kind: kind, name: row[2], labels: try SeriesKey.decodeLabels(row[3])))
                    )
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
        try await buckets(
            "event",
            select: "SELECT series_id, start, count, errors, timeouts, sketch, sums FROM event_buckets",
            level: level,
            seriesIDs: seriesIDs,
            from: from,
            to: to
        ) { try SQLiteRows.eventStatistics($0, from: 2) }
    }

    func gaugeBuckets(
        level: BucketLevel,
        seriesIDs: [Int64],
        from: Int64,
        to: Int64
    ) async throws -> [StoredBucket<GaugeStatistics>] {
        try await buckets(
            "gauge",
            select: "SELECT series_id, start, count, sum, min, max, last, last_time FROM gauge_buckets",
            level: level,
            seriesIDs: seriesIDs,
            from: from,
            to: to
        ) { SQLiteRows.gaugeStatistics($0, from: 2) }
    }

    /// The buckets of `level` in `from..<to` of the series, read with `select` (series id and start first, the
    /// statistics from column 2 on, which `statistics` reads).
    private func buckets<Statistics: Sendable>(
        _ kind: String,
        select: String,
        level: BucketLevel,
        seriesIDs: [Int64],
        from: Int64,
        to: Int64,
        statistics: @escaping @Sendable (Row) throws -> Statistics
    ) async throws -> [StoredBucket<Statistics>] {
        try await reading("reading \(kind) buckets") { db in
            var buckets: [StoredBucket<Statistics>] = []
            for chunk in seriesIDs.chunked(SQLiteRows.idsPerStatement) {
                let sql =
                    select + " WHERE level = ? AND start >= ? AND start < ? AND series_id IN "
                    + SQLiteRows.placeholders(chunk.count)
                let arguments = StatementArguments([Int64(level.rawValue), from, to]) + StatementArguments(chunk)
                let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                while let row = try rows.next() {
                    buckets.append(StoredBucket(seriesID: row[0], start: row[1], statistics: try statistics(row)))
                }
            }
            return buckets
        }
    }

    /// Bucket rows are stepped through SQLite's C API so that the merger reads each sketch and sums blob where
    /// SQLite holds it: no copy, no allocation per row.
    func mergeEventBuckets(segments: [BucketSegment], into merger: EventBucketMerger) async throws -> EventBucketMerger
    {
        try await reading("reading event buckets") { db in
            var merger = merger
            for segment in segments {
                try Self.mergeEventBuckets(segment, into: &merger, db)
            }
            return merger
        }
    }

    private static func mergeEventBuckets(
        _ segment: BucketSegment,
        into merger: inout EventBucketMerger,
        _ db: Database
    ) throws {
        let (level, from, to) = (segment.level, segment.from, segment.to)
        for chunk in merger.seriesIDs.chunked(SQLiteRows.idsPerStatement) {
            let ids = SQLiteRows.paddedIDs(chunk)
            let sql = """
                SELECT series_id, start, count, errors, timeouts, sketch, sums FROM event_buckets
                WHERE level = ? AND start >= ? AND start < ? AND series_id IN
                """ + " " + SQLiteRows.placeholders(ids.count)
            let statement =
                chunk.count <= SQLiteRows.mostPaddedIDs
                ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
            try statement.setArguments(
                StatementArguments([Int64(level.rawValue), from, to]) + StatementArguments(ids)
            )
            let handle = statement.sqliteStatement
            defer { sqlite3_reset(handle) }
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw DatabaseError(
                        resultCode: ResultCode(rawValue: code),
                        message: String(cString: sqlite3_errmsg(db.sqliteConnection))
                    )
                }
                // The blob first, then its length (SQLite's advice); valid until the next step.
                let sketch = UnsafeRawBufferPointer(
                    start: sqlite3_column_blob(handle, 5),
                    count: Int(sqlite3_column_bytes(handle, 5))
                )
                let sums = UnsafeRawBufferPointer(
                    start: sqlite3_column_blob(handle, 6),
                    count: Int(sqlite3_column_bytes(handle, 6))
                )
                try merger.add(
                    seriesID: sqlite3_column_int64(handle, 0),
                    start: sqlite3_column_int64(handle, 1),
                    count: sqlite3_column_int64(handle, 2),
                    errors: sqlite3_column_int64(handle, 3),
                    timeouts: sqlite3_column_int64(handle, 4),
                    sketch: sketch,
                    sums: sums
                )
            }
        }
    }

    func eventBucketBounds(
        level: BucketLevel,
        seriesIDs: [Int64],
        from: Int64,
        to: Int64
    ) async throws -> [EventBucketBound] {
        try await reading("reading event bucket bounds") { db in
            var bounds: [Int64: EventBucketBound] = [:]
            for chunk in seriesIDs.chunked(SQLiteRows.idsPerStatement) {
                // Summed up here: with GROUP BY start, SQLite walks every series' buckets by the start index
                // (140 ms for a day of minutes of 400 series) instead of each wanted series' primary key range.
                let sql =
                    """
                    SELECT start, duration_max, errors, count FROM event_buckets
                    WHERE level = ? AND start >= ? AND start < ? AND series_id IN
                    """ + " " + SQLiteRows.placeholders(chunk.count)
                let arguments = StatementArguments([Int64(level.rawValue), from, to]) + StatementArguments(chunk)
                let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                while let row = try rows.next() {
                    let start: Int64 = row[0]
                    // A bucket without a recorded maximum bounds nothing: it counts as infinitely long.
                    let recorded: Double? = row[1]
                    let errors: Int64 = row[2]
                    let count: Int64 = row[3]
                    var bound = bounds[start] ?? EventBucketBound(start: start, maxDuration: 0, errors: 0, count: 0)
                    bound.maxDuration = max(bound.maxDuration, recorded ?? .infinity)
                    bound.errors += errors
                    bound.count += count
                    bounds[start] = bound
                }
            }
            return Array(bounds.values)
        }
    }

    func eventSpans(from: Int64, to: Int64, failedOnly: Bool, ordinaryAtLeast: Double?) async throws -> [EventSpan] {
        try await reading("reading event spans") { db in
            var sql = "SELECT \(SQLiteRows.spanColumns) FROM event_spans WHERE max_time >= ? AND min_time < ?"
            var arguments: StatementArguments = [from, to]
            if failedOnly { sql += " AND failures > 0" }
            if let ordinaryAtLeast {
                sql += " AND coalesce(ordinary_max_duration, max_duration) >= ?"
                arguments += [ordinaryAtLeast]
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(SQLiteRows.span)
        }
    }

    func rawEvents(in spans: [EventSpan], _ filter: RawEventFilter) async throws -> [StoredRawEvent] {
        guard !spans.isEmpty else { return [] }
        let ranges = spans.map { _ in "id BETWEEN ? AND ?" }.joined(separator: " OR ")
        return try await selectEvents(
            from: "events",
            where: "(\(ranges))",
            StatementArguments(spans.flatMap { [$0.firstID, $0.lastID] }),
            filter
        )
    }

    func indexedEvents(_ filter: RawEventFilter) async throws -> [StoredRawEvent] {
        // The index is named: SQLite's planner would otherwise walk the primary key for `ORDER BY time`.
        if filter.failedOnly && filter.order != .slowestFirst {
            return try await selectEvents(from: "events INDEXED BY events_failed_by_time", where: nil, [], filter)
        }
        // A few series' standouts are read whole and sorted; many series' are read slowest first until enough
        // match.
        let index =
            !filter.allSeries && filter.seriesIDs.count <= Self.seriesReadBySeries
            ? "events_standouts_by_series" : "events_standouts_by_duration"
        return try await selectEvents(from: "events INDEXED BY \(index)", where: "standout = 1", [], filter)
    }

    /// The most series whose standouts are read series by series.
    static let seriesReadBySeries = 64

    /// The events of `table` meeting `condition` and the filter, in its order, at most its limit.
    private func selectEvents(
        from table: String,
        where condition: String?,
        _ conditionArguments: StatementArguments,
        _ filter: RawEventFilter
    ) async throws -> [StoredRawEvent] {
        try await reading("reading events") { db in
            var sql = """
                SELECT id, series_id, time, duration_ms, status, detail FROM \(table)
                WHERE \(condition.map { $0 + " AND " } ?? "")time >= ? AND time < ?
                """
            var arguments = conditionArguments
            arguments += [filter.from, filter.to]
            if !filter.allSeries {
                // One parameter for any number of series.
                sql += " AND series_id IN (SELECT value FROM json_each(?))"
                arguments += ["[" + filter.seriesIDs.map(String.init).joined(separator: ",") + "]"]
            }
            if filter.failedOnly { sql += " AND status <> 0" }
            if let after = filter.after {
                sql += " AND (time > ? OR (time = ? AND id > ?))"
                arguments += [after.time.nanosecondsSinceEpoch, after.time.nanosecondsSinceEpoch, after.id]
            }
            sql += " ORDER BY " + Self.orderClause(filter.order) + " LIMIT ?"
            arguments += [filter.limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let detail: Data = row[5]
                return StoredRawEvent(
                    id: row[0],
                    seriesID: row[1],
                    row: RawEventRow(
                        time: row[2],
                        durationMilliseconds: row[3],
                        status: EventStatus(storedCode: row[4]),
                        detail: [UInt8](detail)
                    )
                )
            }
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

extension Array {
    /// The array cut into consecutive pieces of at most `size` elements (one empty piece for an empty array).
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        guard count > size else { return [self[...]] }
        return stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
