/// Running totals for one event name, kept by an ``EventCollector`` for every recorded event.
///
/// Aggregates are never sampled: when adaptive sampling keeps only a fraction of the raw events, the counts,
/// errors and durations here still cover every event, so rates and averages stay exact.
///
/// ```swift
/// for aggregate in collector.aggregates {
///     print(aggregate.name, aggregate.statistics.count, aggregate.statistics.meanMilliseconds ?? 0)
/// }
/// ```
public struct EventAggregate: Sendable, Hashable {
    /// The event name (`llm_call`, `tool_call`, …).
    public var name: String
    /// Counts by outcome and the distribution of the durations of every event of this name.
    public var statistics = EventStatistics()

    /// Creates an aggregate holding one event.
    package init(first event: Event) {
        self.name = event.name
        add(event)
    }

    /// Adds one more event of the same name.
    package mutating func add(_ event: Event) {
        statistics.add(durationMilliseconds: event.durationMilliseconds, status: event.status)
    }
}
