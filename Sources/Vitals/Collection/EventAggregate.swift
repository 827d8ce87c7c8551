/// Running totals for one event name, kept by an ``EventCollector`` for every recorded event.
///
/// Aggregates are never sampled: when adaptive sampling keeps only a fraction of the raw events, the counts,
/// errors and durations here still cover every event, so rates and averages stay exact.
///
/// ```swift
/// for aggregate in collector.aggregates {
///     print(aggregate.name, aggregate.count, aggregate.errors, aggregate.averageMilliseconds)
/// }
/// ```
public struct EventAggregate: Sendable, Hashable {
    /// The event name (`llm_call`, `tool_call`, …).
    public var name: String
    /// How many events of this name were recorded.
    public var count: Int
    /// How many of them failed (status `error`, `timeout` or `cancelled`).
    public var errors: Int
    /// The sum of their durations, in milliseconds.
    public var totalMilliseconds: Double
    /// The shortest duration, in milliseconds.
    public var minimumMilliseconds: Double
    /// The longest duration, in milliseconds.
    public var maximumMilliseconds: Double

    /// Creates an aggregate holding one event.
    package init(first event: Event) {
        self.name = event.name
        self.count = 1
        self.errors = event.status.isFailure ? 1 : 0
        self.totalMilliseconds = event.durationMilliseconds
        self.minimumMilliseconds = event.durationMilliseconds
        self.maximumMilliseconds = event.durationMilliseconds
    }

    /// The mean duration in milliseconds.
    public var averageMilliseconds: Double {
        count == 0 ? 0 : totalMilliseconds / Double(count)
    }

    /// Adds one more event of the same name.
    package mutating func add(_ event: Event) {
        count += 1
        if event.status.isFailure { errors += 1 }
        totalMilliseconds += event.durationMilliseconds
        minimumMilliseconds = Swift.min(minimumMilliseconds, event.durationMilliseconds)
        maximumMilliseconds = Swift.max(maximumMilliseconds, event.durationMilliseconds)
    }
}
