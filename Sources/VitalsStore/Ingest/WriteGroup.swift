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
    /// The summed attributes of the raw rows that are not aggregated into ``eventBuckets`` (see
    /// ``PreparedBatch/aggregatesEvents``), in row order.
    package private(set) var rawSums: [RowSum] = []
    /// Whether some raw rows are not aggregated into ``eventBuckets``: ``PendingBuckets`` adds them.
    package private(set) var hasRowsToAggregate = false
    /// The event series that ``KnownEventSeries`` did not know, with their positions here.
    package private(set) var learnable: [(position: Int, values: EventSeriesValues)] = []
    /// The keys of the group's batches, stored in its transaction, with the time each was received.
    package private(set) var batchKeys: [(key: String, receivedAt: Int64)] = []
    /// Whether the commit's span of raw events is recorded as pending: its event buckets are not in this group
    /// but kept in memory, and rebuilt from the raw events if the process ends before they are written.
    package var recordsPendingSpan = false
    /// Pending spans (by first event id) whose event buckets this group writes, to be marked written with it.
    package private(set) var settledSpans: [Int64] = []

    private var positions: [SeriesKey: Int] = [:]
    /// Positions by series id, for groups built from written series (``addEventBucket(seriesID:key:start:_:)``).
    private var idPositions: [Int64: Int] = [:]

    package init() {}

    /// Whether the group writes nothing.
    package var isEmpty: Bool { series.isEmpty && rawEvents.isEmpty && settledSpans.isEmpty }

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
        overflowing.reserveCapacity(batch.keys.count)
        seen.reserveCapacity(seen.count + batch.keys.count)
        for (index, original) in batch.keys.enumerated() {
            let position: Int
            if let id = batch.knownIDs[index] {
                // A known series is admitted already and stays itself.
                position = self.position(ofID: id, key: original)
                overflowing.append(false)
            } else {
                let (key, isNew) = admission.resolve(original)
                if isNew { result.newSeries += 1 }
                overflowing.append(key != original)
                if let id = registry.id(of: key) {
                    position = self.position(ofID: id, key: key)
                } else {
                    position = self.position(ofNew: key)
                }
            }
            let window = batch.seen[index]
            seen[position].first = min(seen[position].first, window.first)
            seen[position].last = max(seen[position].last, window.last)
            mapped.append(position)
        }
        for (position, values) in batch.learnable where !overflowing[position] {
            learnable.append((mapped[position], values))
        }
        if !batch.eventBuckets.isEmpty {
            eventBuckets.reserveCapacity(eventBuckets.count + batch.eventBuckets.count)
        }
        for (slot, statistics) in batch.eventBuckets {
            if overflowing[slot.series] { result.overflowed += Int(statistics.count) }
            Self.merge(statistics, into: &eventBuckets, at: BucketSlot(series: mapped[slot.series], start: slot.start))
        }
        for (slot, statistics) in batch.gaugeBuckets {
            if overflowing[slot.series] { result.overflowed += Int(statistics.count) }
            gaugeBuckets[BucketSlot(series: mapped[slot.series], start: slot.start), default: GaugeStatistics()]
                .merge(statistics)
        }
        if !batch.aggregatesEvents { hasRowsToAggregate = true }
        let firstRow = rawEvents.count
        rawEvents.reserveCapacity(rawEvents.count + batch.rawEvents.count)
        rawSeries.reserveCapacity(rawSeries.count + batch.rawEvents.count)
        for (index, var row) in batch.rawEvents.enumerated() {
            let series = batch.rawSeries[index]
            if overflowing[series] {
                if !batch.aggregatesEvents { result.overflowed += 1 }
                // The overflow series does not carry the event's labels: its detail must hold them all, so it is
                // read back with its original series and written again in full.
                let event = try? RawEventCodec.decode(row, series: batch.keys[series])
                if let event { row.detail = RawEventCodec.encode(event, omitting: nil) }
            }
            rawEvents.append(row)
            rawSeries.append(mapped[series])
        }
        rawSums.reserveCapacity(rawSums.count + batch.rawSums.count)
        for var sum in batch.rawSums {
            sum.row += firstRow
            rawSums.append(sum)
        }
        return result
    }

    /// The position of a series the store has no id for yet.
    private mutating func position(ofNew key: SeriesKey) -> Int {
        if let position = positions[key] { return position }
        positions[key] = series.count
        series.append(key)
        knownIDs.append(nil)
        seen.append((.max, .min))
        return series.count - 1
    }

    /// The part of the group that can wait: its event buckets, and when its known event series were seen. What is
    /// left is returned with ``recordsPendingSpan`` set; gauge buckets stay (no raw rows could rebuild them).
    package func splitDeferrable() -> WriteGroup {
        var rest = self
        rest.recordsPendingSpan = true
        rest.eventBuckets = [:]
        for index in series.indices where series[index].kind == .event && knownIDs[index] != nil {
            rest.seen[index] = (.max, .min)
        }
        return rest
    }

    /// Adds the event buckets, the raw rows not aggregated yet, and the event series' seen times of a written
    /// group (`ids`: its series ids).
    package mutating func absorbEventBuckets(of group: WriteGroup, ids: [Int64]) {
        var mapped = Array(repeating: -1, count: group.series.count)
        for (index, key) in group.series.enumerated() where key.kind == .event {
            let position = self.position(ofID: ids[index], key: key)
            seen[position].first = min(seen[position].first, group.seen[index].first)
            seen[position].last = max(seen[position].last, group.seen[index].last)
            mapped[index] = position
        }
        eventBuckets.reserveCapacity(eventBuckets.count + group.eventBuckets.count)
        for (slot, statistics) in group.eventBuckets {
            Self.merge(statistics, into: &eventBuckets, at: BucketSlot(series: mapped[slot.series], start: slot.start))
        }
        guard group.hasRowsToAggregate else { return }
        // Each row goes straight into its bucket here: no bucket is built per batch only to be merged into this
        // one, which is most of the cost when every event of a batch has a series of its own.
        var sums = group.rawSums[...]
        for (index, row) in group.rawEvents.enumerated() {
            let slot = BucketSlot(series: mapped[group.rawSeries[index]], start: BucketLevel.minute.start(of: row.time))
            Self.add(row, sums: &sums, index: index, into: &eventBuckets[slot, default: EventStatistics()])
        }
    }

    /// Adds `row` (at `index`) and its sums, taken from the front of `sums`, to `statistics`.
    @inline(__always)
    private static func add(
        _ row: RawEventRow,
        sums: inout ArraySlice<RowSum>,
        index: Int,
        into statistics: inout EventStatistics
    ) {
        statistics.add(durationMilliseconds: row.durationMilliseconds, status: row.status)
        while let sum = sums.first, sum.row == index {
            statistics.addToSum(sum.key, sum.value)
            sums.removeFirst()
        }
    }

    /// Merges `statistics` into the bucket at `slot`, or stores it there when the slot is empty (no empty
    /// statistics built and merged into: most slots of a batch of many series are new).
    private static func merge(
        _ statistics: EventStatistics,
        into buckets: inout [BucketSlot: EventStatistics],
        at slot: BucketSlot
    ) {
        if let index = buckets.index(forKey: slot) {
            buckets.values[index].merge(statistics)
        } else {
            buckets[slot] = statistics
        }
    }

    /// Adds one event of a written series (rebuilding pending buckets from raw events).
    package mutating func addEvent(seriesID: Int64, key: SeriesKey, time: Int64, _ statistics: EventStatistics) {
        let position = self.position(ofID: seriesID, key: key)
        seen[position].first = min(seen[position].first, time)
        seen[position].last = max(seen[position].last, time)
        eventBuckets[
            BucketSlot(series: position, start: BucketLevel.minute.start(of: time)),
            default: EventStatistics()
        ].merge(statistics)
    }

    /// Marks `spans` (first event ids) as written by this group.
    package mutating func settle(spans: [Int64]) {
        settledSpans.append(contentsOf: spans)
    }

    /// The number of event buckets held.
    package var eventBucketCount: Int { eventBuckets.count }

    private mutating func position(ofID id: Int64, key: SeriesKey) -> Int {
        if let position = idPositions[id] { return position }
        idPositions[id] = series.count
        series.append(key)
        knownIDs.append(id)
        seen.append((.max, .min))
        return series.count - 1
    }

    /// What the span of the raw rows records, and which rows are standouts; `nil` without raw rows.
    package var rawSummary: RawSpanSummary? {
        guard let first = rawEvents.first else { return nil }
        var summary = RawSpanSummary(
            minTime: first.time,
            maxTime: first.time,
            maxDuration: first.durationMilliseconds,
            failures: 0,
            ordinaryMaxDuration: -1,
            standouts: Array(repeating: false, count: rawEvents.count)
        )
        // The durations and positions of each event name's rows (name found once per series position).
        var nameOfSeries = Array(repeating: -1, count: series.count)
        var names: [String: Int] = [:]
        var rowsOfName: [[(duration: Double, row: Int)]] = []
        for (index, row) in rawEvents.enumerated() {
            summary.minTime = min(summary.minTime, row.time)
            summary.maxTime = max(summary.maxTime, row.time)
            summary.maxDuration = max(summary.maxDuration, row.durationMilliseconds)
            if row.status.isFailure { summary.failures += 1 }
            let position = rawSeries[index]
            if nameOfSeries[position] < 0 {
                let name = series[position].name
                if let known = names[name] {
                    nameOfSeries[position] = known
                } else {
                    names[name] = rowsOfName.count
                    nameOfSeries[position] = rowsOfName.count
                    rowsOfName.append([])
                }
            }
            rowsOfName[nameOfSeries[position]].append((row.durationMilliseconds, index))
        }
        for var rows in rowsOfName {
            rows.sort { $0.duration > $1.duration }
            let standouts = max(1, rows.count / RawSpanSummary.rowsPerStandout)
            for standout in rows.prefix(standouts) { summary.standouts[standout.row] = true }
            if rows.count > standouts {
                summary.ordinaryMaxDuration = max(summary.ordinaryMaxDuration, rows[standouts].duration)
            }
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

/// What a commit's span of raw events records (see ``EventSpan``), and which of its rows are standouts: per event
/// name, the slowest hundredth of the rows (at least one), which a partial index holds by duration.
package struct RawSpanSummary: Sendable {
    /// A standout for every this many rows of a name (at least one per name).
    package static let rowsPerStandout = 100

    package var minTime: Int64
    package var maxTime: Int64
    package var maxDuration: Double
    package var failures: Int64
    /// The longest duration of the rows that are not standouts; -1 when every row is one.
    package var ordinaryMaxDuration: Double
    /// Per raw row (same positions as ``WriteGroup/rawEvents``), whether it is a standout.
    package var standouts: [Bool]
}
