/// Decides which raw events a collector keeps when a per-second budget is configured.
///
/// Within each one-second window the first `budget` events are kept as they are. After that the collector keeps
/// one event in 2 for the next `budget` kept events, then one in 4, and so on: the number of raw events kept
/// grows only with the logarithm of the load, while each kept event's `sample_rate` says how many events it
/// stands for, so `sum(sample_rate)` still estimates the true count. The choice is deterministic (every k-th
/// event), which keeps tests and replays reproducible.
struct RawEventSampler: Sendable {
    /// The largest step, 1 in 2^20; reached only by absurd loads, and keeps the shift well defined.
    private static let maximumLevel = 20

    private let budget: Int?
    private var window: Int64 = .min
    private var level = 0
    private var keptAtLevel = 0
    private var skipped = 0

    /// A sampler keeping at most about `budget` raw events per second before thinning; `nil` keeps everything.
    init(budget: Int?) {
        self.budget = budget.map { Swift.max(1, $0) }
    }

    /// Offers one event seen during second `second`; returns the sample rate it is kept at, or `nil` to drop it.
    mutating func admit(second: Int64) -> Int? {
        guard let budget else { return 1 }
        if second != window {
            window = second
            level = 0
            keptAtLevel = 0
            skipped = 0
        }
        let rate = 1 << level
        if skipped + 1 < rate {
            skipped += 1
            return nil
        }
        skipped = 0
        keptAtLevel += 1
        if keptAtLevel >= budget, level < Self.maximumLevel {
            level += 1
            keptAtLevel = 0
        }
        return rate
    }
}
