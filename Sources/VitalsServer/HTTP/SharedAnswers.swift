/// One computation shared by every request that asks for the same thing at about the same time: a hundred open
/// dashboards cost one query per update, not a hundred, in time and in memory. The live streams share the overview
/// of each window; the pages share their HTML by address.
///
/// Every answer is tagged with the server's change generation (committed batches and alert actions) read before it
/// was computed. A caller asks for an answer at least as new as the generation it knows of: one computed for that
/// generation or a later one less than ``reuseLimit`` ago, or still being computed, is shared; anything older is
/// computed afresh, so a change always reaches the page that was told of it.
actor SharedAnswers<Key: Hashable & Sendable, Value: Sendable> {
    /// How old a shared answer may be. The streams' own rhythm (updates at most every 0.5 s, at least every 5 s)
    /// and the pages' refreshes (at least 2 s apart) are coarser, so sharing does not slow any page down.
    let reuseLimit: Duration
    /// The most answers kept at once; past it, a new key is computed without being shared. Small, because an
    /// answer may be a whole page (`/agents` of 500 agents is a few hundred KB) and many addresses asked at once
    /// must not pin megabytes: the live pages of one window share a handful of addresses.
    static var capacity: Int { 32 }

    /// Shares answers for at most `reuseLimit` (default 1 s).
    init(reuseLimit: Duration = .seconds(1)) {
        self.reuseLimit = reuseLimit
    }

    private struct Entry {
        var generation: UInt64
        var started: ContinuousClock.Instant
        var answer: Task<Value, any Error>
    }

    private var entries: [Key: Entry] = [:]

    /// The answer for `key` as of generation `wanted` or later, computed by `compute` unless a recent enough one is
    /// shared.
    ///
    /// - Parameters:
    ///   - current: The server's generation now, before `compute` reads anything: what a new answer is tagged with.
    ///   - wanted: The generation the caller knows of; at most `current` for any caller that learnt it from this
    ///     server.
    func value(
        _ key: Key,
        current: UInt64,
        wanted: UInt64,
        compute: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let now = ContinuousClock.now
        if let entry = entries[key], entry.generation >= wanted, now - entry.started < reuseLimit {
            return try await entry.answer.value
        }
        let answer = Task { try await compute() }
        entries = entries.filter { now - $0.value.started < reuseLimit }
        if entries.count < Self.capacity {
            entries[key] = Entry(generation: current, started: now, answer: answer)
        }
        return try await answer.value
    }
}
