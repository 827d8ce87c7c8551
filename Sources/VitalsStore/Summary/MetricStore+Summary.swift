public import Vitals

extension MetricStore {
    /// The `vitals summary` of the events stored in a range: the same ``EventSummary`` that summarising the
    /// original JSONL files gives, so it renders the same way.
    ///
    /// Events are read from the raw events, oldest first, a page at a time, and fed through the same summary
    /// code as files: memory is bounded by the page size and the summary, not by the number of events. Event
    /// references show `source` as their file and the stored event id as their line. Gauges come from their
    /// buckets (the store keeps no raw samples), widened to whole minutes like every bucket query; events older
    /// than the raw-event retention are gone from it.
    ///
    /// ```swift
    /// let summary = try await store.summary(range: .last(.seconds(86_400)), source: "vitals.db")
    /// print(summary.renderText())
    /// ```
    ///
    /// - Parameters:
    ///   - range: The events whose time falls in this range.
    ///   - options: Grouping and how many notable events to keep.
    ///   - source: The name shown as the file of event references.
    ///   - pageSize: Events read per query.
    public func summary(
        range: TimeRange,
        options: SummaryOptions = SummaryOptions(),
        source: String,
        pageSize: Int = 10_000
    ) async throws -> EventSummary {
        var summary = EventSummary(options: options)
        var after: StoredEvent.Cursor?
        while true {
            let page = try await events(
                EventQuery(range: range, order: .oldestFirst, limit: max(1, pageSize), after: after)
            )
            for stored in page {
                summary.add(stored.event, file: source, line: Int(truncatingIfNeeded: stored.id))
            }
            guard page.count == max(1, pageSize), let last = page.last else { break }
            after = last.cursor
        }
        let gaugeNames = Set(try await series(SeriesQuery(kind: .gauge)).map(\.key.name))
        for name in gaugeNames.sorted() {
            for group in try await gaugeStats(StatsQuery(name: name, range: range)) {
                let statistics = group.statistics
                guard statistics.count > 0 else { continue }
                summary.add(gauge: name, statistics)
            }
        }
        return summary
    }
}
