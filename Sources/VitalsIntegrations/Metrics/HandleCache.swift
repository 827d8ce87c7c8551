import Synchronization

/// The handles of one kind of metric, keyed by label and dimensions, with at most `seriesLimit` series per label.
///
/// `Timer(label:dimensions:)` per call is the common pattern, and every such call asks the factory for a handler;
/// the cache answers a repeated request with the handler made the first time, under one short lock and without
/// allocating. Past the limit, new dimension sets of a label share one overflow handler, so memory stays bounded
/// whatever the callers pass.
final class HandleCache<Handler: AnyObject & Sendable>: Sendable {
    private struct State {
        var handlers: [MetricKey: Handler] = [:]
        var seriesPerLabel: [String: Int] = [:]
        var overflow: [String: Handler] = [:]
    }

    private let state = Mutex(State())
    private let seriesLimit: Int
    /// How many requests were folded into an overflow handler.
    let foldedCount = Atomic<Int>(0)

    init(seriesLimit: Int) {
        self.seriesLimit = max(1, seriesLimit)
    }

    /// The handler for `label` and `dimensions`, made by `make` (with `folded` true for an overflow handler) when the
    /// label and dimensions are new.
    func handler(
        label: String,
        dimensions: [(String, String)],
        make: (_ folded: Bool) -> Handler
    ) -> Handler {
        let key = MetricKey(label: label, dimensions: dimensions)
        let seen = state.withLock { state -> (handler: Handler?, full: Bool) in
            if let found = state.handlers[key] { return (found, false) }
            guard state.seriesPerLabel[label, default: 0] >= seriesLimit else { return (nil, false) }
            return (state.overflow[label], true)
        }
        if let handler = seen.handler {
            if seen.full { foldedCount.wrappingAdd(1, ordering: .relaxed) }
            return handler
        }
        // Made outside the lock: making a handler builds labels and registers a tracker series.
        if !seen.full {
            let fresh = make(false)
            let kept = state.withLock { state -> Handler? in
                if let found = state.handlers[key] { return found }
                let count = state.seriesPerLabel[label, default: 0]
                guard count < seriesLimit else { return nil }
                state.seriesPerLabel[label] = count + 1
                state.handlers[key] = fresh
                return fresh
            }
            if let kept { return kept }
        }
        foldedCount.wrappingAdd(1, ordering: .relaxed)
        let overflow = make(true)
        return state.withLock { state in
            if let existing = state.overflow[label] { return existing }
            state.overflow[label] = overflow
            return overflow
        }
    }

    /// Every handler, overflow handlers included.
    var all: [Handler] {
        state.withLock { Array($0.handlers.values) + Array($0.overflow.values) }
    }
}
