public import Vitals

extension BucketMetricStore {
    public func eventStats(_ query: StatsQuery) async throws -> [EventStatsGroup] {
        let groups = try await collectEvents(query, steps: nil)
        return groups.map { labels, steps in
            EventStatsGroup(
                labels: labels,
                statistics: steps.first?.value ?? EventStatistics(),
                seconds: query.range.seconds
            )
        }
    }

    public func gaugeStats(_ query: StatsQuery) async throws -> [GaugeStatsGroup] {
        let groups = try await collect(query, kind: .gauge, steps: nil) { level, ids, from, to in
            try await self.backend.gaugeBuckets(level: level, seriesIDs: ids, from: from, to: to)
        }
        return groups.map { labels, steps in
            GaugeStatsGroup(labels: labels, statistics: steps.first?.value ?? GaugeStatistics())
        }
    }

    public func eventTimeSeries(_ query: StatsQuery, step: Duration) async throws -> [EventTimeSeries] {
        let groups = try await collectEvents(query, steps: try stepWidth(step))
        return groups.map { labels, steps in
            EventTimeSeries(labels: labels, points: Self.points(steps))
        }
    }

    public func gaugeTimeSeries(_ query: StatsQuery, step: Duration) async throws -> [GaugeTimeSeries] {
        let groups = try await collect(query, kind: .gauge, steps: try stepWidth(step)) { level, ids, from, to in
            try await self.backend.gaugeBuckets(level: level, seriesIDs: ids, from: from, to: to)
        }
        return groups.map { labels, steps in
            GaugeTimeSeries(labels: labels, points: Self.points(steps))
        }
    }

    public func events(_ query: EventQuery) async throws -> [StoredEvent] {
        try checkOpen()
        guard query.limit > 0, let range = query.range.storablePart else { return [] }
        try await settle()
        let matchers = CompiledMatchers(query.matchers)
        let series = try await matchers.select(try await backend.listSeries(kind: .event, name: query.name))
        guard !series.isEmpty else { return [] }
        var keys: [Int64: SeriesKey] = [:]
        for info in series { keys[info.id] = info.key }
        let filter = RawEventFilter(
            seriesIDs: series.map(\.id),
            from: range.from.nanosecondsSinceEpoch,
            to: range.to.nanosecondsSinceEpoch,
            failedOnly: query.failedOnly,
            order: query.order,
            limit: query.limit,
            after: query.order == .oldestFirst ? query.after : nil,
            allSeries: query.name == nil && query.matchers.isEmpty
        )
        let rows = try await rawEvents(filter)
        if filter.allSeries, rows.contains(where: { keys[$0.seriesID] == nil }) {
            // Read without a series filter, the events may include some of a series committed after the series
            // were listed (with the series, in one transaction): listed again, they are known.
            for info in try await backend.listSeries(kind: .event, name: nil) { keys[info.id] = info.key }
        }
        return try rows.map { stored in
            guard let key = keys[stored.seriesID] else {
                throw StoreError(code: .corruptDatabase, message: "\(displayName): event \(stored.id) has no series")
            }
            do throws(ByteReader.Malformed) {
                let event = try RawEventCodec.decode(stored.row, series: key)
                return StoredEvent(
                    id: stored.id,
                    series: key,
                    time: Timestamp(nanosecondsSinceEpoch: stored.row.time),
                    event: event
                )
            } catch {
                throw StoreError(
                    code: .corruptDatabase,
                    message: "\(displayName): event \(stored.id) has an unreadable detail (byte \(error.offset))"
                )
            }
        }
    }

    public func series(_ query: SeriesQuery) async throws -> [SeriesInfo] {
        try checkOpen()
        try await settle()
        let matchers = CompiledMatchers(query.matchers)
        return try await matchers.select(try await backend.listSeries(kind: query.kind, name: query.name))
            .sorted { lhs, rhs in
                if lhs.key.kind != rhs.key.kind { return lhs.key.kind.rawValue < rhs.key.kind.rawValue }
                if lhs.key.name != rhs.key.name { return lhs.key.name < rhs.key.name }
                return lhs.key.labelsText < rhs.key.labelsText
            }
    }

    /// The most steps one time-series query may ask for.
    package static var maximumSteps: Int64 { 100_000 }

    /// A step as nanoseconds; it must be a positive whole number of minutes.
    private func stepWidth(_ step: Duration) throws(StoreError) -> Int64 {
        let width = step.nanoseconds
        let minute = BucketLevel.minute.nanoseconds
        guard width >= minute, width % minute == 0 else {
            throw StoreError(
                code: .invalidQuery,
                message: "step \(step): expected a positive whole number of minutes (the finest bucket)"
            )
        }
        return width
    }

    private static func points<S>(_ steps: [Int64: S]) -> [TimeSeries<S>.Point] {
        steps.sorted { $0.key < $1.key }.map {
            TimeSeries<S>.Point(start: Timestamp(nanosecondsSinceEpoch: $0.key), statistics: $0.value)
        }
    }

    /// Reads the buckets a query needs and merges them per group and per step (one step for plain stats).
    ///
    /// - Returns: Groups sorted by their label values, each with statistics by step start.
    private func collect<S: Mergeable>(
        _ query: StatsQuery,
        kind: SeriesKind,
        steps width: Int64?,
        read: (BucketLevel, [Int64], Int64, Int64) async throws -> [StoredBucket<S>]
    ) async throws -> [(labels: Labels, steps: [Int64: S])] {
        guard let plan = try await plan(query, kind: kind, steps: width) else { return [] }
        let ids = plan.seriesIDs
        var merged = Array(repeating: [Int64: S](), count: plan.groupLabels.count)
        for segment in plan.segments {
            for bucket in try await read(segment.level, ids, segment.from, segment.to) {
                guard let group = plan.groupOf[bucket.seriesID] else { continue }
                // Buckets standing in for pruned minutes may start before the range; they count in its first step.
                let step = width.map { plan.start + max(0, bucket.start - plan.start) / $0 * $0 } ?? plan.start
                merged[group][step, default: S.empty].merge(bucket.statistics)
            }
        }
        return Self.sortedGroups(plan.groupLabels, merged)
    }

    /// ``collect(_:kind:steps:read:)`` for events: each bucket is merged as the backend reads it, from its stored bytes
    /// (a day of 100 agents with 4 series each was 22,000 buckets in the benchmark; decoding each into statistics of
    /// its own first cost more than reading them). For many series, two halves of the groups are read at once on
    /// connections of their own, each reading every segment (the coarsest buckets that fit, the finer ones at either
    /// edge) in one go: each group is merged by one reader, segment by segment.
    private func collectEvents(
        _ query: StatsQuery,
        steps width: Int64?
    ) async throws -> [(labels: Labels, steps: [Int64: EventStatistics])] {
        guard let plan = try await plan(query, kind: .event, steps: width) else { return [] }
        let mergers = Self.groupHalves(plan).map { seriesIDs in
            EventBucketMerger(
                seriesIDs: seriesIDs,
                groupOf: plan.groupOf,
                groups: plan.groupLabels.count,
                stepStart: plan.start,
                stepWidth: width
            )
        }
        let backend = self.backend
        let segments = plan.segments
        let parts = try await withThrowingTaskGroup(of: (Int, [[Int64: EventStatistics]]).self) { tasks in
            for (index, empty) in mergers.enumerated() {
                tasks.addTask {
                    let merger = try await backend.mergeEventBuckets(segments: segments, into: empty)
                    return (index, merger.groups())
                }
            }
            var parts = Array(repeating: [[Int64: EventStatistics]](), count: mergers.count)
            for try await (index, part) in tasks { parts[index] = part }
            return parts
        }
        var merged = Array(repeating: [Int64: EventStatistics](), count: plan.groupLabels.count)
        for part in parts {
            for (group, steps) in part.enumerated() where !steps.isEmpty {
                if merged[group].isEmpty {
                    merged[group] = steps
                    continue
                }
                for (step, statistics) in steps { merged[group][step, default: EventStatistics()].merge(statistics) }
            }
        }
        return Self.sortedGroups(plan.groupLabels, merged)
    }

    /// A stats query with at least twice this many series (and more than one group) reads them in two halves.
    private static var seriesPerHalf: Int { 32 }

    /// The plan's series in two lists (one when there are few, or one group), each holding whole groups, about
    /// half the series each, in the plan's order.
    private static func groupHalves(_ plan: StatsPlan) -> [[Int64]] {
        let ids = plan.seriesIDs
        guard ids.count >= 2 * seriesPerHalf, plan.groupLabels.count > 1 else { return [ids] }
        var seriesPerGroup = Array(repeating: 0, count: plan.groupLabels.count)
        for id in ids { seriesPerGroup[plan.groupOf[id] ?? 0] += 1 }
        var firstHalf = Array(repeating: false, count: seriesPerGroup.count)
        var counted = 0
        for (group, count) in seriesPerGroup.enumerated() where counted < ids.count / 2 {
            firstHalf[group] = true
            counted += count
        }
        let halves = [
            ids.filter { firstHalf[plan.groupOf[$0] ?? 0] }, ids.filter { !firstHalf[plan.groupOf[$0] ?? 0] },
        ]
        return halves.filter { !$0.isEmpty }
    }

    /// What a stats query reads: its groups, the group of each series, and the bucket segments.
    private struct StatsPlan {
        var groupLabels: [Labels]
        var groupOf: [Int64: Int]
        /// The series, in the order listed (which fixes the order buckets are merged in).
        var seriesIDs: [Int64]
        var segments: [BucketSegment]
        /// The start of the first step: the range's start, down to a minute.
        var start: Int64
    }

    /// The plan of a stats query; `nil` when no series matches or the range holds no storable time.
    private func plan(_ query: StatsQuery, kind: SeriesKind, steps width: Int64?) async throws -> StatsPlan? {
        try checkOpen()
        guard query.range.from < query.range.to else {
            throw StoreError(code: .invalidQuery, message: "range \(query.range): from must be before to")
        }
        try await settle()
        // Nothing is stored outside the storable times; cutting the range there keeps the arithmetic in range.
        guard let range = query.range.storablePart else { return nil }
        let from = range.from.nanosecondsSinceEpoch
        let to = range.to.nanosecondsSinceEpoch
        if let width {
            let steps = (to - BucketLevel.minute.start(of: from)) / width + 1
            guard steps <= Self.maximumSteps else {
                throw StoreError(
                    code: .invalidQuery,
                    message:
                        "step: the range holds \(steps) steps; expected at most \(Self.maximumSteps) (use a larger step)"
                )
            }
        }
        let matchers = CompiledMatchers(query.matchers)
        let series = try await matchers.select(try await backend.listSeries(kind: kind, name: query.name))
        guard !series.isEmpty else { return nil }

        var groupOf: [Int64: Int] = [:]
        var groupLabels: [Labels] = []
        var groupIndex: [Labels: Int] = [:]
        for info in series {
            var labels = Labels()
            for key in query.groupBy {
                let value = info.key.isOverflow ? SeriesKey.overflowLabel : (info.key.labels[key] ?? "")
                labels.appendUnchecked(key: key, value: value)
            }
            if let index = groupIndex[labels] {
                groupOf[info.id] = index
            } else {
                groupIndex[labels] = groupLabels.count
                groupOf[info.id] = groupLabels.count
                groupLabels.append(labels)
            }
        }

        let start = BucketLevel.minute.start(of: from)
        var windows: [(from: Int64, to: Int64)] = [(from, to)]
        if let width {
            windows = stride(from: start, to: to, by: Int(width)).map { ($0, to - $0 <= width ? to : $0 + width) }
        }
        let segments = QueryPlanner.plan(ranges: windows, state: try await backend.state())
        return StatsPlan(
            groupLabels: groupLabels,
            groupOf: groupOf,
            seriesIDs: series.map(\.id),
            segments: segments,
            start: start
        )
    }

    /// The groups with statistics, sorted by their label values.
    private static func sortedGroups<S>(
        _ labels: [Labels],
        _ merged: [[Int64: S]]
    ) -> [(labels: Labels, steps: [Int64: S])] {
        zip(labels, merged)
            .filter { !$0.1.isEmpty }
            .map { (labels: $0.0, steps: $0.1) }
            .sorted { $0.labels.map(\.value).lexicographicallyPrecedes($1.labels.map(\.value)) }
    }
}

/// Statistics that merge: what buckets hold.
package protocol Mergeable: Sendable {
    static var empty: Self { get }
    mutating func merge(_ other: Self)
}

extension EventStatistics: Mergeable {
    package static var empty: EventStatistics { EventStatistics() }
}

extension GaugeStatistics: Mergeable {
    package static var empty: GaugeStatistics { GaugeStatistics() }
}

extension BucketMetricStore {
    /// The statistics of every event series named in `names` (every name when `nil`), each merged over
    /// `range`: one entry per series that has data in the range, in no particular order.
    ///
    /// This is what rule evaluation over a store reads: one pass over the buckets, whatever the number of
    /// rules and groups. Like every bucket query, the range is widened to whole minutes.
    public func eventStatisticsBySeries(
        names: Set<String>?,
        range: TimeRange
    ) async throws -> [(series: SeriesInfo, statistics: EventStatistics)] {
        try await mergedBySeries(kind: .event, names: names, range: range) { level, ids, from, to in
            try await self.backend.eventBuckets(level: level, seriesIDs: ids, from: from, to: to)
        }
    }

    /// The statistics of every gauge series named in `names` (every name when `nil`), each merged over `range`.
    public func gaugeStatisticsBySeries(
        names: Set<String>?,
        range: TimeRange
    ) async throws -> [(series: SeriesInfo, statistics: GaugeStatistics)] {
        try await mergedBySeries(kind: .gauge, names: names, range: range) { level, ids, from, to in
            try await self.backend.gaugeBuckets(level: level, seriesIDs: ids, from: from, to: to)
        }
    }

    private func mergedBySeries<S: Mergeable>(
        kind: SeriesKind,
        names: Set<String>?,
        range: TimeRange,
        read: (BucketLevel, [Int64], Int64, Int64) async throws -> [StoredBucket<S>]
    ) async throws -> [(series: SeriesInfo, statistics: S)] {
        try checkOpen()
        guard range.from < range.to, let range = range.storablePart else { return [] }
        try await settle()
        var series = try await backend.listSeries(kind: kind, name: names?.count == 1 ? names?.first : nil)
        if let names { series.removeAll { !names.contains($0.key.name) } }
        let from = range.from.nanosecondsSinceEpoch
        let to = range.to.nanosecondsSinceEpoch
        // Series last seen a day before the range (or first seen after it) have no bucket in it, at any level.
        let day = BucketLevel.day.nanoseconds
        series.removeAll {
            $0.lastSeen.nanosecondsSinceEpoch < from - day || $0.firstSeen.nanosecondsSinceEpoch >= to
        }
        guard !series.isEmpty else { return [] }
        var infos: [Int64: SeriesInfo] = [:]
        for info in series { infos[info.id] = info }
        var merged: [Int64: S] = [:]
        let segments = QueryPlanner.plan(ranges: [(from, to)], state: try await backend.state())
        let ids = series.map(\.id)
        for segment in segments {
            for bucket in try await read(segment.level, ids, segment.from, segment.to) {
                merged[bucket.seriesID, default: S.empty].merge(bucket.statistics)
            }
        }
        return merged.compactMap { id, statistics in infos[id].map { ($0, statistics) } }
    }
}
