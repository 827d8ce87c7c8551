public import Vitals

extension MetricStore {
    /// The `vitals summary` of the events stored in a range: the same ``EventSummary`` that summarising the
    /// original JSONL files gives, so it renders the same way.
    ///
    /// Events are read from the raw events, oldest first, a page at a time, and fed through the same summary
    /// code as files: memory is bounded by the page size and the summary, not by the number of events. Event
    /// references show `source` as their file and the stored event id as their line. Gauge samples are not
    /// part of it (the store keeps gauges as buckets only), and events older than the raw-event retention are
    /// gone from it.
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
            guard page.count == max(1, pageSize), let last = page.last else { return summary }
            after = last.cursor
        }
    }
}
