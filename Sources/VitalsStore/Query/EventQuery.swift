public import Vitals

/// Raw events for drill-down: filtered by name, range, labels and outcome, sorted, limited.
///
/// ```swift
/// var query = EventQuery(range: .last(.seconds(3_600)), order: .slowestFirst, limit: 10)
/// query.name = "llm_call"
/// query.failedOnly = true
/// let worst = try await store.events(query)
/// ```
public struct EventQuery: Sendable, Hashable {
    /// How the events are sorted.
    public enum Order: Sendable, Hashable {
        /// Latest first.
        case newestFirst
        /// Earliest first (ties by storage order); the order that ``after`` pages through.
        case oldestFirst
        /// Longest duration first.
        case slowestFirst
    }

    /// Only events of this name; `nil` for every name.
    public var name: String?
    /// Events whose time (end) falls in the range.
    public var range: TimeRange
    /// Conditions on the event's series labels.
    public var matchers: [LabelMatcher]
    /// Only events that did not end `ok`.
    public var failedOnly: Bool
    /// Sort order.
    public var order: Order
    /// The most events returned.
    public var limit: Int
    /// With ``Order/oldestFirst``, only events after this one (the last of the previous page).
    public var after: StoredEvent.Cursor?

    /// Creates a query.
    public init(
        name: String? = nil,
        range: TimeRange,
        matchers: [LabelMatcher] = [],
        failedOnly: Bool = false,
        order: Order = .newestFirst,
        limit: Int = 100,
        after: StoredEvent.Cursor? = nil
    ) {
        self.name = name
        self.range = range
        self.matchers = matchers
        self.failedOnly = failedOnly
        self.order = order
        self.limit = limit
        self.after = after
    }
}

/// A raw event read back from a store.
public struct StoredEvent: Sendable, Hashable {
    /// A position in the oldest-first order, to fetch the next page.
    public struct Cursor: Sendable, Hashable {
        /// The event's time.
        public var time: Timestamp
        /// The event's id (ties on time are ordered by id).
        public var id: Int64

        /// Creates a cursor.
        public init(time: Timestamp, id: Int64) {
            self.time = time
            self.id = id
        }
    }

    /// The store's identifier of the event (increasing in insertion order).
    public var id: Int64
    /// The series the event was counted in.
    public var series: SeriesKey
    /// The time the event is filed under: its end, else start plus duration, else when it was received.
    public var time: Timestamp
    /// The event, with its labels and attributes.
    public var event: Event

    /// Creates a stored event.
    public init(id: Int64, series: SeriesKey, time: Timestamp, event: Event) {
        self.id = id
        self.series = series
        self.time = time
        self.event = event
    }

    /// This event's position, for ``EventQuery/after``.
    public var cursor: Cursor { Cursor(time: time, id: id) }
}

/// Which series to list.
public struct SeriesQuery: Sendable, Hashable {
    /// Only events or only gauges; `nil` for both.
    public var kind: SeriesKind?
    /// Only this name; `nil` for every name.
    public var name: String?
    /// Conditions on the labels.
    public var matchers: [LabelMatcher]

    /// Creates a query; with no arguments it lists every series.
    public init(kind: SeriesKind? = nil, name: String? = nil, matchers: [LabelMatcher] = []) {
        self.kind = kind
        self.name = name
        self.matchers = matchers
    }
}

/// A series and when it was first and last written.
public struct SeriesInfo: Sendable, Hashable {
    /// The store's identifier of the series.
    public var id: Int64
    /// Kind, name and labels.
    public var key: SeriesKey
    /// The earliest event or sample time seen in it.
    public var firstSeen: Timestamp
    /// The latest event or sample time seen in it.
    public var lastSeen: Timestamp

    /// Creates a series description.
    public init(id: Int64, key: SeriesKey, firstSeen: Timestamp, lastSeen: Timestamp) {
        self.id = id
        self.key = key
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}
