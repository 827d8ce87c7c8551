import Synchronization

/// The handles of one kind of metric, keyed by label and dimensions, with at most `seriesLimit` series per label.
///
/// `Timer(label:dimensions:)` per call is the common pattern, and every such call asks the factory for a handler;
/// the cache answers a repeated request with the handler made the first time, without allocating. A small table of
/// recently used entries answers most requests with one atomic load and a key comparison; the rest look in the
/// full table under a lock. Past the limit, new dimension sets of a label share one overflow handler, so memory
/// stays bounded whatever the callers pass.
final class HandleCache<Handler: AnyObject & Sendable>: Sendable {
    /// A handler and the key it was made for. Entries are never removed from `State.entries`, so they live as
    /// long as the cache and the recent table may point at them without holding a reference.
    final class Entry: Sendable {
        let key: MetricKey
        let handler: Handler

        init(key: MetricKey, handler: Handler) {
            self.key = key
            self.handler = handler
        }
    }

    private struct State {
        var entries: [MetricKey: Entry] = [:]
        var seriesPerLabel: [String: Int] = [:]
        var overflow: [String: Handler] = [:]
    }

    private static var recentCount: Int { 64 }

    private let state = Mutex(State())
    /// Addresses of recently used entries (0 when empty), indexed by the low bits of the key's hash.
    private let recent: InlineArray<64, Atomic<UInt>>
    private let seriesLimit: Int
    /// How many requests were folded into an overflow handler.
    let foldedCount = Atomic<Int>(0)

    init(seriesLimit: Int) {
        self.seriesLimit = max(1, seriesLimit)
        self.recent = InlineArray { _ in Atomic<UInt>(0) }
    }

    /// The handler for `label` and `dimensions`, made by `make` (with `folded` true for an overflow handler) when the
    /// label and dimensions are new.
    func handler(
        label: String,
        dimensions: [(String, String)],
        make: (_ folded: Bool) -> Handler
    ) -> Handler {
        let key = MetricKey(label: label, dimensions: dimensions)
        let slot = Int(truncatingIfNeeded: key.mixedHash) & (Self.recentCount - 1)
        let address = recent[slot].load(ordering: .acquiring)
        if address != 0, let pointer = UnsafeRawPointer(bitPattern: address) {
            let entry = Unmanaged<Entry>.fromOpaque(pointer)
            if let found = entry._withUnsafeGuaranteedRef({ $0.key == key ? $0.handler : nil }) { return found }
        }
        return slowHandler(key: key, slot: slot, make: make)
    }

    private func slowHandler(key: MetricKey, slot: Int, make: (_ folded: Bool) -> Handler) -> Handler {
        let seen = state.withLock { state -> (entry: Entry?, overflow: Handler?, full: Bool) in
            if let found = state.entries[key] { return (found, nil, false) }
            guard state.seriesPerLabel[key.label, default: 0] >= seriesLimit else { return (nil, nil, false) }
            return (nil, state.overflow[key.label], true)
        }
        if let entry = seen.entry {
            remember(entry, in: slot)
            return entry.handler
        }
        if let overflow = seen.overflow {
            foldedCount.wrappingAdd(1, ordering: .relaxed)
            return overflow
        }
        // Made outside the lock: making a handler builds labels and registers a tracker series. Threads racing on
        // the last free places may each make one that is then dropped; its tracker series stays empty and unlisted.
        if !seen.full {
            let fresh = Entry(key: key, handler: make(false))
            let kept = state.withLock { state -> Entry? in
                if let found = state.entries[key] { return found }
                let count = state.seriesPerLabel[key.label, default: 0]
                guard count < seriesLimit else { return nil }
                state.seriesPerLabel[key.label] = count + 1
                state.entries[key] = fresh
                return fresh
            }
            if let kept {
                remember(kept, in: slot)
                return kept.handler
            }
        }
        foldedCount.wrappingAdd(1, ordering: .relaxed)
        let overflow = make(true)
        return state.withLock { state in
            if let existing = state.overflow[key.label] { return existing }
            state.overflow[key.label] = overflow
            return overflow
        }
    }

    /// Points the recent slot at `entry`, which `state` keeps alive for the cache's lifetime.
    private func remember(_ entry: Entry, in slot: Int) {
        let address = UInt(bitPattern: Unmanaged.passUnretained(entry).toOpaque())
        recent[slot].store(address, ordering: .releasing)
    }

    /// Every handler, overflow handlers included.
    var all: [Handler] {
        state.withLock { $0.entries.values.map(\.handler) + Array($0.overflow.values) }
    }
}
