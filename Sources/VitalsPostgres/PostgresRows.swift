import PostgresNIO
import Vitals
import VitalsStore

/// Turns bucket columns into statistics, and statistics into the column arrays of a bulk upsert.
enum PostgresRows {
    static func eventStatistics(
        count: Int64,
        errors: Int64,
        timeouts: Int64,
        sketch: ByteBuffer,
        sums: ByteBuffer
    ) throws -> EventStatistics {
        do {
            return EventStatistics(
                count: UInt64(max(0, count)),
                errors: UInt64(max(0, errors)),
                timeouts: UInt64(max(0, timeouts)),
                durations: try QuantileSketch(decoding: sketch.readableBytesView),
                attributeSums: try EventStatistics.decodeSums(Array(sums.readableBytesView))
            )
        } catch {
            throw StoreError(
                code: .corruptDatabase,
                message: "an event bucket holds an unreadable sketch or attribute sums",
                underlying: error
            )
        }
    }
}

/// Event buckets as parallel column arrays, for `INSERT … SELECT * FROM unnest(…)`.
struct EventBucketColumns {
    var seriesIDs: [Int64] = []
    var starts: [Int64] = []
    var counts: [Int64] = []
    var errors: [Int64] = []
    var timeouts: [Int64] = []
    var sums: [Double] = []
    var minimums: [Double] = []
    var maximums: [Double] = []
    var sketches: [ByteBuffer] = []
    var attributeSums: [ByteBuffer] = []

    init(capacity: Int) {
        seriesIDs.reserveCapacity(capacity)
        starts.reserveCapacity(capacity)
    }

    mutating func append(_ key: SeriesStart, _ statistics: EventStatistics) {
        seriesIDs.append(key.seriesID)
        starts.append(key.start)
        counts.append(Int64(statistics.count))
        errors.append(Int64(statistics.errors))
        timeouts.append(Int64(statistics.timeouts))
        sums.append(statistics.durations.sum)
        minimums.append(statistics.durations.min ?? 0)
        maximums.append(statistics.durations.max ?? 0)
        sketches.append(ByteBuffer(bytes: statistics.durations.encoded()))
        attributeSums.append(ByteBuffer(bytes: EventStatistics.encodeSums(statistics.attributeSums)))
    }
}
