package import Vitals

/// Everything one commit writes: the batches of a group with their series resolved (overflow applied) and
/// their buckets merged. A backend writes a group in one transaction.
package struct WriteGroup: Sendable {
    /// The distinct series written, and the id of each that this store already knows (`nil` otherwise).
    package private(set) var series: [SeriesKey] = []
    package private(set) var knownIDs: [Int64?] = []
    /// Earliest and latest record time per series.
    package private(set) var seen: [(first: Int64, last: Int64)] = []
    /// Minute buckets by series position and start.
    package private(set) var eventBuckets: [BucketSlot: EventStatistics] = [:]
    package private(set) var gaugeBuckets: [BucketSlot: GaugeStatistics] = [:]
    /// Raw rows and the series position of each.
    package private(set) var rawEvents: [RawEventRow] = []
    package private(set) var rawSeries: [Int] = []
    /// The keys of the group's batches, stored in its transaction, with the time each was received.
    package private(set) var batchKeys: [(key: String, receivedAt: Int64)] = []

    private var positions: [SeriesKey: Int] = [:]

    package init() {}

    /// Whether the group writes nothing.
    package var isEmpty: Bool { series.isEmpty && rawEvents.isEmpty }

    /// Adds a prepared batch, sending each of its series through `admission`.
    ///
    /// - Returns: The batch's result with overflow and new-series counts filled in.
    package mutating func add(
        _ batch: PreparedBatch,
        admission: inout SeriesAdmission,
        registry: SeriesRegistry
    ) -> IngestResult {
        var result = batch.result
        if let key = batch.batchKey { batchKeys.append(key) }
        var mapped: [Int] = []
        var overflowing: [Bool] = []
        mapped.reserveCapacity(batch.keys.count)
        for (index, original) in batch.keys.enumerated() {
            let (key, isNew) = admission.resolve(original)
            if isNew { result.newSeries += 1 }
            let folded = key != original
            overflowing.append(folded)
            let position = self.position(of: key, registry: registry)
            let window = batch.seen[index]
            seen[position].first = min(seen[position].first, window.first)
            seen[position].last = max(seen[position].last, window.last)
            mapped.append(position)
        }
        for (slot, statistics) in batch.eventBuckets {
            if overflowing[slot.series] { result.overflowed += Int(statistics.count) }
            eventBuckets[BucketSlot(series: mapped[slot.series], start: slot.start), default: EventStatistics()]
                .merge(statistics)
        }
        for (slot, statistics) in batch.gaugeBuckets {
            if overflowing[slot.series] { result.overflowed += Int(statistics.count) }
            gaugeBuckets[BucketSlot(series: mapped[slot.series], start: slot.start), default: GaugeStatistics()]
                .merge(statistics)
        }
        rawEvents.reserveCapacity(rawEvents.count + batch.rawEvents.count)
        for (index, var row) in batch.rawEvents.enumerated() {
            let series = batch.rawSeries[index]
            if overflowing[series] {
                // The overflow series does not carry the event's labels: its detail must hold them all, so it is
                // read back with its original series and written again in full.
                let event = try? RawEventCodec.decode(row, series: batch.keys[series])
                if let event { row.detail = RawEventCodec.encode(event, omitting: nil) }
            }
            rawEvents.append(row)
            rawSeries.append(mapped[series])
        }
        return result
    }

    private mutating func position(of key: SeriesKey, registry: SeriesRegistry) -> Int {
        if let position = positions[key] { return position }
        positions[key] = series.count
        series.append(key)
        knownIDs.append(registry.id(of: key))
        seen.append((.max, .min))
        return series.count - 1
    }

    /// Earliest and latest time, longest duration and failures of the raw rows, for their span.
    package var rawSummary: (minTime: Int64, maxTime: Int64, maxDuration: Double, failures: Int64)? {
        guard let first = rawEvents.first else { return nil }
        var summary = (
            minTime: first.time, maxTime: first.time, maxDuration: first.durationMilliseconds, failures: Int64(0)
        )
        for row in rawEvents {
            summary.minTime = min(summary.minTime, row.time)
            summary.maxTime = max(summary.maxTime, row.time)
            summary.maxDuration = max(summary.maxDuration, row.durationMilliseconds)
            if row.status.isFailure { summary.failures += 1 }
        }
        return summary
    }

    /// The event buckets to merge at `level`: the minute buckets as they are, or re-bucketed to hours or days
    /// for the buckets that start before `watermark` (levels already rolled up there must see late data).
    package func eventBuckets(at level: BucketLevel, before watermark: Int64?) -> [BucketSlot: EventStatistics] {
        if level == .minute { return eventBuckets }
        guard let watermark else { return [:] }
        var result: [BucketSlot: EventStatistics] = [:]
        for (slot, statistics) in eventBuckets {
            let start = level.start(of: slot.start)
            guard start < watermark else { continue }
            result[BucketSlot(series: slot.series, start: start), default: EventStatistics()].merge(statistics)
        }
        return result
    }

    /// The gauge buckets to merge at `level` (see ``eventBuckets(at:before:)``).
    package func gaugeBuckets(at level: BucketLevel, before watermark: Int64?) -> [BucketSlot: GaugeStatistics] {
        if level == .minute { return gaugeBuckets }
        guard let watermark else { return [:] }
        var result: [BucketSlot: GaugeStatistics] = [:]
        for (slot, statistics) in gaugeBuckets {
            let start = level.start(of: slot.start)
            guard start < watermark else { continue }
            result[BucketSlot(series: slot.series, start: start), default: GaugeStatistics()].merge(statistics)
        }
        return result
    }
}
