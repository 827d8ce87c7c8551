import Vitals

extension BucketMetricStore {
    /// Spans read per query: enough to amortise a round trip, few enough to stop early.
    private static let spansPerRead = 16

    /// The raw events of a filter: spans overlapping the range are visited in the order that can still
    /// improve the answer (newest, oldest or slowest first), and the visit stops as soon as no remaining span
    /// can beat the events already found.
    package func rawEvents(_ filter: RawEventFilter) async throws -> [StoredRawEvent] {
        var spans = try await backend.eventSpans(from: filter.from, to: filter.to, failedOnly: filter.failedOnly)
        switch filter.order {
        case .newestFirst: spans.sort { ($0.maxTime, $0.lastID) > ($1.maxTime, $1.lastID) }
        case .oldestFirst: spans.sort { ($0.minTime, $0.firstID) < ($1.minTime, $1.firstID) }
        case .slowestFirst: spans.sort { $0.maxDuration > $1.maxDuration }
        }
        let precedes = RawEventOrdering.precedes(filter.order)
        var found: [StoredRawEvent] = []
        var seen = Set<Int64>()
        var index = 0
        while index < spans.count {
            if found.count >= filter.limit, let worst = found.last,
                !Self.canImprove(spans[index], on: worst, filter.order)
            {
                break
            }
            let group = Array(spans[index..<min(index + Self.spansPerRead, spans.count)])
            index += group.count
            // Spans of concurrent writers may share ids: an event is counted once.
            for event in try await backend.rawEvents(in: group, filter) where seen.insert(event.id).inserted {
                found.append(event)
            }
            found.sort(by: precedes)
            if found.count > filter.limit { found.removeLast(found.count - filter.limit) }
        }
        return found
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
