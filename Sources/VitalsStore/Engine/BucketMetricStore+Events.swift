import Vitals

extension BucketMetricStore {
    /// Spans read per query: enough to amortise a round trip, few enough to stop early.
    private static let spansPerRead = 16

    /// The most series whose failures are first looked up in their buckets.
    private static let seriesNarrowedForFailures = 64

    /// The raw events of a filter. Failed events newest or oldest first come from their index alone. Otherwise
    /// spans overlapping the range are visited in the order that can still improve the answer (newest, oldest or
    /// slowest first), and the visit stops as soon as no remaining span can beat the events already found.
    /// Slowest first starts from the standouts' index: what it finds there, only a span whose ordinary events are
    /// as slow can beat, and only those spans are read.
    package func rawEvents(_ filter: RawEventFilter) async throws -> [StoredRawEvent] {
        try await settle()
        if filter.failedOnly && filter.order != .slowestFirst {
            // A few series' buckets say when they failed: the index is read over that time only. For many series
            // the buckets cost more to read than the index scan they could shorten (15 ms for 400 series over 7
            // days, against an index scan of 1 ms).
            var within = filter
            if !filter.allSeries, filter.seriesIDs.count <= Self.seriesNarrowedForFailures,
                let windows = try await bucketWindows(filter)
            {
                guard let first = windows.first, let last = windows.map(\.end).max() else { return [] }
                within.from = max(filter.from, first.start)
                within.to = min(filter.to, last)
            }
            return try await backend.indexedEvents(within)
        }
        var found: [StoredRawEvent] = []
        var spans: [EventSpan]
        if filter.order == .slowestFirst {
            found = try await backend.indexedEvents(filter)
            let worst = found.count >= filter.limit ? found.last?.row.durationMilliseconds : nil
            spans = try await backend.eventSpans(
                from: filter.from,
                to: filter.to,
                failedOnly: filter.failedOnly,
                ordinaryAtLeast: worst
            )
            for index in spans.indices {
                spans[index].maxDuration = spans[index].ordinaryMaxDuration ?? spans[index].maxDuration
            }
        } else {
            spans = try await backend.eventSpans(
                from: filter.from,
                to: filter.to,
                failedOnly: filter.failedOnly,
                ordinaryAtLeast: nil
            )
        }
        // Spans hold every series; when the filter wants a few, their buckets say which spans can hold them (not
        // worth reading for what one read covers).
        if !filter.allSeries, spans.count > Self.spansPerRead, let windows = try await bucketWindows(filter) {
            spans = Self.narrowed(spans, to: windows)
        }
        switch filter.order {
        case .newestFirst: spans.sort { ($0.maxTime, $0.lastID) > ($1.maxTime, $1.lastID) }
        case .oldestFirst: spans.sort { ($0.minTime, $0.firstID) < ($1.minTime, $1.firstID) }
        case .slowestFirst: spans.sort { $0.maxDuration > $1.maxDuration }
        }
        let precedes = RawEventOrdering.precedes(filter.order)
        var seen = Set(found.map(\.id))
        var index = 0
        while index < spans.count {
            if found.count >= filter.limit, let worst = found.last,
                !Self.canImprove(spans[index], on: worst, filter.order)
            {
                break
            }
            let group = Array(spans[index..<min(index + Self.spansPerRead, spans.count)])
            index += group.count
            // Spans of concurrent writers may share ids, and a standout is in its span: an event is counted once.
            for event in try await backend.rawEvents(in: group, filter) where seen.insert(event.id).inserted {
                found.append(event)
            }
            found.sort(by: precedes)
            if found.count > filter.limit { found.removeLast(found.count - filter.limit) }
        }
        return found
    }

    /// The most bucket rows one drill-down reads to narrow its spans (a few milliseconds of reading).
    static var boundRowsPerQuery: Int64 { 20_000 }

    /// A time window of buckets of the filter's series: `[start, end)`, with their longest duration.
    struct BucketWindow {
        var start: Int64
        var end: Int64
        var maxDuration: Double
    }

    /// The windows (sorted by start) holding the filter's events (only those with failures when it wants failed
    /// ones): minute buckets where they are all kept and few enough, else the buckets a stats query would
    /// read; `nil` when that would read more than ``boundRowsPerQuery`` rows (many series: the spans alone
    /// are cheaper).
    func bucketWindows(_ filter: RawEventFilter) async throws -> [BucketWindow]? {
        let state = try await backend.state()
        let series = Int64(filter.seriesIDs.count)
        let start = BucketLevel.minute.start(of: filter.from)
        let end = BucketLevel.minute.ceiling(of: filter.to)
        let minutes = (end - start) / BucketLevel.minute.nanoseconds
        let minutesKept = state.prunedBefore[.minute].map { BucketLevel.hour.ceiling(of: $0) <= start } ?? true
        var segments: [BucketSegment]
        if minutesKept, series * minutes <= Self.boundRowsPerQuery {
            segments = [BucketSegment(level: .minute, from: start, to: end)]
        } else {
            segments = QueryPlanner.plan(from: filter.from, to: filter.to, state: state)
            let rows = segments.reduce(Int64(0)) { $0 + ($1.to - $1.from) / $1.level.nanoseconds }
            guard series * rows <= Self.boundRowsPerQuery else { return nil }
        }
        var windows: [BucketWindow] = []
        for segment in segments {
            let bounds = try await backend.eventBucketBounds(
                level: segment.level,
                seriesIDs: filter.seriesIDs,
                from: segment.from,
                to: segment.to
            )
            for bound in bounds where bound.count > 0 && (!filter.failedOnly || bound.errors > 0) {
                windows.append(
                    BucketWindow(
                        start: bound.start,
                        end: bound.start + segment.level.nanoseconds,
                        maxDuration: bound.maxDuration
                    )
                )
            }
        }
        windows.sort { $0.start < $1.start }
        return windows
    }

    /// The spans that overlap a window, each with its time range and longest duration cut down to what the
    /// windows it overlaps allow: an event of the filter's series lies in its bucket's window, so it can be
    /// neither later, earlier nor slower than those windows say. Spans overlapping none are dropped.
    static func narrowed(_ spans: [EventSpan], to windows: [BucketWindow]) -> [EventSpan] {
        guard !windows.isEmpty else { return [] }
        let widest = windows.reduce(Int64(0)) { max($0, $1.end - $1.start) }
        var result: [EventSpan] = []
        result.reserveCapacity(spans.count)
        for span in spans {
            // The first window starting after the span; the overlapping ones lie before it, at most `widest` back.
            var low = 0
            var high = windows.count
            while low < high {
                let middle = (low + high) / 2
                if windows[middle].start <= span.maxTime { low = middle + 1 } else { high = middle }
            }
            var first = Int64.max
            var last = Int64.min
            var slowest = -Double.infinity
            var index = low - 1
            while index >= 0, windows[index].start > span.minTime - widest {
                let window = windows[index]
                if window.end > span.minTime {
                    first = min(first, window.start)
                    last = max(last, window.end - 1)
                    slowest = max(slowest, window.maxDuration)
                }
                index -= 1
            }
            guard first <= last else { continue }
            var narrowed = span
            narrowed.minTime = max(span.minTime, first)
            narrowed.maxTime = min(span.maxTime, last)
            narrowed.maxDuration = min(span.maxDuration, slowest)
            result.append(narrowed)
        }
        return result
    }

    /// Whether some event of `span` could come before `worst` in `order`.
    private static func canImprove(_ span: EventSpan, on worst: StoredRawEvent, _ order: EventQuery.Order) -> Bool {
        switch order {
        case .newestFirst: return span.maxTime >= worst.row.time
        case .oldestFirst: return span.minTime <= worst.row.time
        case .slowestFirst: return span.maxDuration >= worst.row.durationMilliseconds
        }
    }
}
