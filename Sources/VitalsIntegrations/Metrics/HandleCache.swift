import Synchronization

/// The handles of one kind of metric, keyed by label and dimensions, with at most `labelLimit` labels and
/// `seriesLimit` series per label.
///
/// `Timer(label:dimensions:)` per call is the common pattern, and every such call asks the factory for a handler;
/// the cache answers a repeated request with the handler made the first time, without allocating. A small table of
/// recently used entries answers most requests with one atomic load and a key comparison; the rest look in the
/// full table under a lock. Past the limits, new dimension sets of a label share one overflow handler, and new
/// labels share the one overflow handler of the label ``overflowLabel``, so that memory stays bounded (at most
/// `labelLimit × seriesLimit` handlers) whatever the callers pass.
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
    /// The label under which requests for labels past `labelLimit` are recorded.
    static var overflowLabel: String { "__overflow__" }

    private let state = Mutex(State())
    /// Addresses of recently used entries (0 when empty), indexed by the low bits of the key's hash.
    private let recent: InlineArray<64, Atomic<UInt>>
    private let seriesLimit: Int
    private let labelLimit: Int
    /// How many requests were folded into an overflow handler.
    let foldedCount = Atomic<Int>(0)

    init(seriesLimit: Int, labelLimit: Int) {
        self.seriesLimit = max(1, seriesLimit)
        self.labelLimit = max(1, labelLimit)
        self.recent = InlineArray { _ in Atomic<UInt>(0) }
    }

    /// The handler for `label` and `dimensions`, made by `make` when the label and dimensions are new: with `label`
    /// and `folded` false, or for an overflow handler with `folded` true and the label it is kept under.
    func handler(
        label: String,
        dimensions: [(String, String)],
        make: (_ label: String, _ folded: Bool) -> Handler
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

    private func slowHandler(
        key: MetricKey,
        slot: Int,
        make: (_ label: String, _ folded: Bool) -> Handler
    ) -> Handler {
        let seen = state.withLock { state -> (entry: Entry?, overflow: Handler?, foldedLabel: String?) in
            if let found = state.entries[key] { return (found, nil, nil) }
            guard let count = state.seriesPerLabel[key.label] else {
                guard state.seriesPerLabel.count >= labelLimit else { return (nil, nil, nil) }
                return (nil, state.overflow[Self.overflowLabel], Self.overflowLabel)
            }
            guard count >= seriesLimit else { return (nil, nil, nil) }
            return (nil, state.overflow[key.label], key.label)
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
        var foldedLabel = seen.foldedLabel
        if foldedLabel == nil {
            let fresh = Entry(key: key, handler: make(key.label, false))
            let kept = state.withLock { state -> Entry? in
                if let found = state.entries[key] { return found }
                let count = state.seriesPerLabel[key.label, default: 0]
                guard count > 0 || state.seriesPerLabel.count < labelLimit else {
                    foldedLabel = Self.overflowLabel
                    return nil
                }
                guard count < seriesLimit else {
                    foldedLabel = key.label
                    return nil
                }
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
        let label = foldedLabel ?? key.label
        let overflow = make(label, true)
        return state.withLock { state in
            if let existing = state.overflow[label] { return existing }
            state.overflow[label] = overflow
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
