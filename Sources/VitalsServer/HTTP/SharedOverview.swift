import VitalsDashboard

/// One overview computation shared by every live stream of a window: a hundred open dashboards cost one query per
/// update, not a hundred, in time and in memory.
///
/// A stream asks for the overview of the batches it knows of (the ingest generation); an answer computed for the
/// same generation less than ``reuseLimit`` ago, or still being computed, is shared. A newer generation always
/// computes afresh, so an ingest still reaches every open page within the stream's own delay.
actor SharedOverview {
    /// How old a shared answer may be; the streams' own rhythm (updates at most every 0.5 s, at least every 5 s)
    /// is much coarser, so sharing does not slow any page down.
    static let reuseLimit: Duration = .seconds(1)

    private struct Entry {
        var generation: UInt64
        var started: ContinuousClock.Instant
        var answer: Task<OverviewData, any Error>
    }

    private var entries: [DashboardWindow: Entry] = [:]

    /// The overview of `window` as of `generation`, computed by `compute` unless a recent enough one is shared.
    func overview(
        _ window: DashboardWindow,
        generation: UInt64,
        compute: @escaping @Sendable () async throws -> OverviewData
    ) async throws -> OverviewData {
        let now = ContinuousClock.now
        if let entry = entries[window], entry.generation == generation, now - entry.started < Self.reuseLimit {
            return try await entry.answer.value
        }
        let answer = Task { try await compute() }
        entries[window] = Entry(generation: generation, started: now, answer: answer)
        return try await answer.value
    }
}
