package import Vitals

/// An event's name and label values (one per ``SeriesIdentity/labelKeys`` slot): what decides its series, cheaper
/// to hash than the series key built from it.
package struct EventSeriesValues: Hashable, Sendable {
    package var name: String
    package var values: [String?]

    package init(name: String, values: [String?]) {
        self.name = name
        self.values = values
    }
}

/// The event series this store has written, by name and label values, so that a batch finds a known series' id
/// and key with one lookup: no key built, no label value checked again (the same values passed when the series
/// was admitted), no series limit consulted (an admitted series stays admitted; series are never deleted).
///
/// This is what keeps ingest cheap when every event of a batch has a series of its own, the shape a fleet of
/// agents sends. Batches read an immutable ``Table`` taken once per batch, without a lock per event. The writer
/// adds the series each commit created or learned; they wait until there are enough of them to make replacing
/// the table a small share of the work (at least an eighth of its size). A series not in the table takes the full
/// path, which gives the same answer, so nothing depends on the table being complete. At most ``capacity``
/// series are remembered.
package final class KnownEventSeries: Sendable {
    /// The id and key of a written series.
    package struct Entry: Sendable {
        package var id: Int64
        package var key: SeriesKey
    }

    /// The series known when it was taken.
    package final class Table: Sendable {
        private let entries: [EventSeriesValues: Entry]

        fileprivate init(_ entries: [EventSeriesValues: Entry]) { self.entries = entries }

        package var count: Int { entries.count }

        @inline(__always)
        package subscript(values: EventSeriesValues) -> Entry? { entries[values] }

        fileprivate func adding(_ waiting: [EventSeriesValues: Entry]) -> Table {
            var entries = self.entries
            entries.reserveCapacity(entries.count + waiting.count)
            for (values, entry) in waiting where entries.count < KnownEventSeries.capacity { entries[values] = entry }
            return Table(entries)
        }
    }

    /// The most series remembered.
    package static var capacity: Int { 65_536 }

    private struct State {
        var table = Table([:])
        var waiting: [EventSeriesValues: Entry] = [:]
    }

    private let state = LockedValue(State())

    package init() {}

    /// The table to resolve one batch's series with.
    package func table() -> Table { state.withLock { $0.table } }

    /// Remembers series a commit wrote; they are found from the next replacement of the table on.
    package func learn(_ learned: some Sequence<(values: EventSeriesValues, entry: Entry)>) {
        state.withLock { state in
            guard state.table.count < Self.capacity else { return }
            for (values, entry) in learned { state.waiting[values] = entry }
            if state.waiting.count * 8 >= state.table.count {
                state.table = state.table.adding(state.waiting)
                state.waiting = [:]
            }
        }
    }
}
