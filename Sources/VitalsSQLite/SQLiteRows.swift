import Foundation
import GRDB
import Vitals
import VitalsStore

/// Reads statistics out of bucket rows.
enum SQLiteRows {
    /// The columns of ``span(_:)``.
    static let spanColumns = "first_id, last_id, min_time, max_time, max_duration, failures, ordinary_max_duration"

    /// A span from the columns ``spanColumns``.
    static func span(_ row: Row) -> EventSpan {
        EventSpan(
            firstID: row[0],
            lastID: row[1],
            minTime: row[2],
            maxTime: row[3],
            maxDuration: row[4],
            failures: row[5],
            ordinaryMaxDuration: row[6]
        )
    }

    /// Event statistics from the columns `count, errors, timeouts, sketch, sums` starting at `column`.
    static func eventStatistics(_ row: Row, from column: Int) throws -> EventStatistics {
        let count: Int64 = row[column]
        let errors: Int64 = row[column + 1]
        let timeouts: Int64 = row[column + 2]
        let sketch: Data = row[column + 3]
        let sums: Data = row[column + 4]
        do {
            return EventStatistics(
                count: UInt64(max(0, count)),
                errors: UInt64(max(0, errors)),
                timeouts: UInt64(max(0, timeouts)),
                durations: try QuantileSketch(decoding: sketch),
                attributeSums: try EventStatistics.decodeSums([UInt8](sums))
            )
        } catch {
            throw StoreError(
                code: .corruptDatabase,
                message: "an event bucket holds an unreadable sketch or attribute sums",
                underlying: error
            )
        }
    }

    /// Gauge statistics from the columns `count, sum, min, max, last, last_time` starting at `column`.
    static func gaugeStatistics(_ row: Row, from column: Int) -> GaugeStatistics {
        let count: Int64 = row[column]
        return GaugeStatistics(
            count: UInt64(max(0, count)),
            sum: row[column + 1],
            min: row[column + 2],
            max: row[column + 3],
            last: row[column + 4],
            lastTime: Timestamp(nanosecondsSinceEpoch: row[column + 5])
        )
    }

    /// `(?, ?, …)` with `count` placeholders.
    static func placeholders(_ count: Int) -> String {
        "(" + Array(repeating: "?", count: count).joined(separator: ", ") + ")"
    }

    /// SQLite limits the number of parameters of a statement; longer id lists are read in chunks.
    static let idsPerStatement = 20_000

    /// The longest id list ``paddedIDs(_:)`` pads.
    static let mostPaddedIDs = 1_024

    /// Up to ``mostPaddedIDs`` ids, the last repeated up to the next power of two (at least 8), so that a query
    /// with an `IN` list of them is one of a few statements, prepared once per connection (compiling a list of
    /// hundreds cost a twentieth of a grouped stats query). A repeated id selects nothing more. Longer lists are
    /// returned as they are.
    static func paddedIDs(_ ids: ArraySlice<Int64>) -> [Int64] {
        guard let last = ids.last, ids.count <= mostPaddedIDs else { return Array(ids) }
        let size = max(8, 1 << (Int.bitWidth - (ids.count - 1).leadingZeroBitCount))
        return Array(ids) + repeatElement(last, count: size - ids.count)
    }
}
