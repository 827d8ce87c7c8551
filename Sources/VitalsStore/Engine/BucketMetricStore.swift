import Synchronization
public import Vitals

/// The ``MetricStore`` every backend is used through: series identity, the series limit, bucket aggregation,
/// group commit, query planning, roll-ups and retention, over the storage primitives of one database.
///
/// You get one from a backend (`SQLiteStore.open(path:)`, `PostgresStore.open(url:)`); the type is public so
/// that it can be named, its initialiser is not.
public final class BucketMetricStore: MetricStore, Sendable {
    /// The configuration the store was opened with.
    public let configuration: StoreConfiguration
    /// A short name for messages and summaries: the file path, or host and database.
    public let displayName: String

    package let backend: any StoreBackend
    private let identity: SeriesIdentity
    private let roles: EventKeyRoles
    private let registry: LockedRegistry
    /// The event series written, found by a batch without building their keys.
    private let known: KnownEventSeries
    private let closed = Atomic<Bool>(false)
    private let queue: GroupCommitQueue<CommitJob, IngestResult>
    /// Event buckets committed but not written yet (only when the backend defers them).
    private let pending: PendingBuckets?
    /// How long they may wait when no read or size limit writes them sooner.
    private let pendingBucketAge: Duration

    /// Creates a store over an opened, migrated backend.
    package init(
        backend: any StoreBackend,
        configuration: StoreConfiguration,
        displayName: String,
        recordsCommitRounds: Bool = false,
        pendingBucketAge: Duration = PendingBuckets.maximumAge
    ) {
        self.pendingBucketAge = pendingBucketAge
        self.backend = backend
        self.configuration = configuration
        self.displayName = displayName
        let identity = SeriesIdentity(labelKeys: configuration.labelKeys)
        self.identity = identity
        self.roles = EventKeyRoles(
            identity: identity,
            omitted: RawEventCodec.OmittedKeys(seriesLabelKeys: configuration.labelKeys),
            additiveAttributes: Set(configuration.additiveAttributes)
        )
        let registry = LockedRegistry(SeriesRegistry(limit: configuration.seriesLimitPerName))
        self.registry = registry
        let known = KnownEventSeries()
        self.known = known
        let pending = backend.defersEventBuckets && configuration.keepsRawEvents ? PendingBuckets() : nil
        self.pending = pending
        self.queue = GroupCommitQueue(recordsRounds: recordsCommitRounds) { jobs in
            await Self.commit(jobs, backend: backend, registry: registry, known: known, pending: pending)
        }
    }

    /// The jobs of a commit round: batches to write, and requests to write the pending buckets.
    private enum CommitJob: Sendable {
        case batch(PreparedBatch)
        case settle
    }

    /// How many event series a batch finds without building their keys (see ``KnownEventSeries``).
    package var knownEventSeriesCount: Int { known.table().count }

    /// Jobs per commit round so far (only recorded when the store was created to record them).
    package var commitRoundSizes: [Int] {
        get async { await queue.roundSizes }
    }

    public func ingest(_ records: [Record], receivedAt: Timestamp, batchKey: String?) async throws -> IngestResult {
        try checkOpen()
        var batch = PreparedBatch(
            records,
            receivedAt: receivedAt,
            identity: identity,
            roles: roles,
            keepsRawEvents: configuration.keepsRawEvents,
            known: known.table(),
            // With buckets waiting in memory, the writer adds each raw row to them: nothing to aggregate here.
            aggregatesEvents: pending == nil
        )
        if batch.keys.isEmpty { return batch.result }
        batch.batchKey = batchKey.map { ($0, receivedAt.nanosecondsSinceEpoch) }
        let result = try await queue.submit(.batch(batch))
        if let pending, pending.startsTimer() { scheduleFlush(pending) }
        return result
    }

    public func close() async throws {
        guard closed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        // What stays pending after a failed write here is rebuilt from the raw events at the next open.
        try? await settle()
        try await backend.close()
    }

    /// Writes the pending event buckets, so that a read that follows sees every acknowledged event. Every read
    /// of buckets or series calls it first; it costs nothing when nothing is pending.
    package func settle() async throws {
        guard let pending, pending.hasBuckets else { return }
        _ = try await queue.submit(.settle)
    }

    /// Asks for the pending buckets to be written within a second (a write then covers every commit of that
    /// second), unless such a write is already due.
    private func scheduleFlush(_ pending: PendingBuckets) {
        Task { [weak self] in
            try? await Task.sleep(for: self?.pendingBucketAge ?? .zero)
            pending.timerFired()
            guard let self, !self.closed.load(ordering: .acquiring) else { return }
            _ = try? await self.queue.submit(.settle)
        }
    }

    /// Rebuilds the event buckets of the spans that a process left pending (it ended before writing them) from
    /// their raw events, and writes them. Run when a store that defers buckets is opened.
    package func rebuildPendingBuckets() async throws {
        guard pending != nil else { return }
        let spans = try await backend.pendingSpans()
        guard !spans.isEmpty else { return }
        var keys: [Int64: SeriesKey] = [:]
        for info in try await backend.listSeries(kind: .event, name: nil) { keys[info.id] = info.key }
        let additive = Set(configuration.additiveAttributes)
        var group = WriteGroup()
        // A few commits at a time, so that memory stays bounded however much was left pending.
        for chunk in stride(from: 0, to: spans.count, by: 4).map({ Array(spans[$0..<min($0 + 4, spans.count)]) }) {
            let filter = RawEventFilter(
                seriesIDs: [],
                from: .min,
                to: .max,
                failedOnly: false,
                order: .oldestFirst,
                limit: .max,
                after: nil,
                allSeries: true
            )
            for stored in try await backend.rawEvents(in: chunk, filter) {
                guard let key = keys[stored.seriesID] else { continue }
                var statistics = EventStatistics()
                statistics.add(durationMilliseconds: stored.row.durationMilliseconds, status: stored.row.status)
                // The sums come from the detail, as at ingest; an unreadable detail still counts the event.
                if let event = try? RawEventCodec.decode(stored.row, series: key) {
                    for attribute in event.attributes.elements where additive.contains(attribute.key) {
                        switch attribute.value {
                        case .int, .double:
                            if let number = attribute.value.doubleValue, number.isFinite {
                                statistics.addToSum(attribute.key, number)
                            }
                        case .string, .bool:
                            break
                        }
                    }
                }
                group.addEvent(seriesID: stored.seriesID, key: key, time: stored.row.time, statistics)
            }
        }
        group.settle(spans: spans.map(\.firstID))
        _ = try await backend.write(group)
    }

    public func checkHealth() async throws {
        try checkOpen()
        _ = try await backend.state()
    }

    package func checkOpen() throws(StoreError) {
        if closed.load(ordering: .acquiring) {
            throw StoreError(code: .closed, message: "\(displayName): the store was closed")
        }
    }

    /// One commit round: the batches, then the pending buckets when asked or when too many wait.
    private static func commit(
        _ jobs: [CommitJob],
        backend: any StoreBackend,
        registry: LockedRegistry,
        known: KnownEventSeries,
        pending: PendingBuckets?
    ) async -> [Result<IngestResult, any Error>] {
        var batches: [PreparedBatch] = []
        var settles = false
        for job in jobs {
            switch job {
            case .batch(let batch): batches.append(batch)
            case .settle: settles = true
            }
        }
        var batchResults = await commit(batches, backend: backend, registry: registry, known: known, pending: pending)
        var settled: Result<IngestResult, any Error> = .success(IngestResult())
        if let pending, settles || pending.isFull {
            do {
                try await pending.flush(to: backend)
            } catch {
                settled = .failure(error)
            }
        }
        var results: [Result<IngestResult, any Error>] = []
        results.reserveCapacity(jobs.count)
        batchResults.reverse()
        for job in jobs {
            switch job {
            case .batch: results.append(batchResults.popLast() ?? .failure(CancellationError()))
            case .settle: results.append(settled)
            }
        }
        return results
    }

    /// All batches in one transaction; if that fails and there were several, each alone, so that one batch's
    /// failure is not another's.
    private static func commit(
        _ batches: [PreparedBatch],
        backend: any StoreBackend,
        registry: LockedRegistry,
        known: KnownEventSeries,
        pending: PendingBuckets?
    ) async -> [Result<IngestResult, any Error>] {
        guard !batches.isEmpty else { return [] }
        do {
            let results = try await write(batches, backend: backend, registry: registry, known: known, pending: pending)
            return results.map { Result<IngestResult, any Error>.success($0) }
        } catch {
            guard batches.count > 1 else { return [.failure(error)] }
        }
        var results: [Result<IngestResult, any Error>] = []
        for batch in batches {
            do {
                results.append(
                    .success(
                        try await write([batch], backend: backend, registry: registry, known: known, pending: pending)[
                            0
                        ]
                    )
                )
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }

    private static func write(
        _ batches: [PreparedBatch],
        backend: any StoreBackend,
        registry: LockedRegistry,
        known: KnownEventSeries,
        pending: PendingBuckets?
    ) async throws -> [IngestResult] {
        var missing: [(kind: SeriesKind, name: String)] = []
        var seenNames = Set<String>()
        registry.withLock { registry in
            for batch in batches {
                for (index, key) in batch.keys.enumerated()
                where batch.knownIDs[index] == nil && !registry.isLoaded(kind: key.kind, name: key.name) {
                    if seenNames.insert("\(key.kind.rawValue)\u{1F}\(key.name)").inserted {
                        missing.append((key.kind, key.name))
                    }
                }
            }
        }
        for (kind, name) in missing {
            let stored = try await backend.loadSeries(kind: kind, name: name)
            registry.withLock { $0.load(kind: kind, name: name, series: stored) }
        }
        // Batches whose key is stored already (or repeated in this round) were committed before: not again.
        let keys = batches.compactMap { $0.batchKey?.key }
        var stored = keys.isEmpty ? [] : try await backend.storedBatchKeys(keys)
        let (group, results) = registry.withLock { registry in
            var admission = SeriesAdmission(registry: registry)
            var group = WriteGroup()
            var results: [IngestResult] = []
            for batch in batches {
                if let key = batch.batchKey, !stored.insert(key.key).inserted {
                    var result = batch.result
                    result.duplicate = true
                    results.append(result)
                    continue
                }
                results.append(group.add(batch, admission: &admission, registry: registry))
            }
            return (group, results)
        }
        guard !group.isEmpty else { return results }
        assert(pending != nil || !group.hasRowsToAggregate, "raw rows left to aggregate without pending buckets")
        let ids: [Int64]
        if let pending, !group.rawEvents.isEmpty {
            // The raw rows are durable: the event buckets wait in memory for a write that covers many commits.
            let receipt = try await backend.write(group.splitDeferrable())
            ids = receipt.seriesIDs
            pending.absorb(group, ids: ids, span: receipt.spanFirstID)
        } else {
            ids = try await backend.write(group).seriesIDs
        }
        registry.withLock { registry in
            for (index, key) in group.series.enumerated() where group.knownIDs[index] == nil {
                registry.record(key, id: ids[index])
            }
        }
        known.learn(
            group.learnable.lazy.map {
                (values: $0.values, entry: KnownEventSeries.Entry(id: ids[$0.position], key: group.series[$0.position]))
            }
        )
        return results
    }
}

/// The series registry behind a lock, shareable with the commit closure.
private final class LockedRegistry: Sendable {
    private let state: LockedValue<SeriesRegistry>

    init(_ registry: SeriesRegistry) { state = LockedValue(registry) }

    func withLock<R>(_ body: (inout SeriesRegistry) -> R) -> R {
        state.withLock { body(&$0) }
    }
}

extension BucketMetricStore: StateStore {
    public func putState(_ entries: [StateEntry]) async throws {
        try checkOpen()
        try await backend.putState(entries)
    }

    public func deleteState(kind: String, keys: [String]) async throws {
        try checkOpen()
        try await backend.deleteState(kind: kind, keys: keys)
    }

    public func loadState(kind: String) async throws -> [StateEntry] {
        try checkOpen()
        return try await backend.loadState(kind: kind)
    }

    public func acquireLease(name: String, holder: String, expires: Timestamp, now: Timestamp) async throws -> Bool {
        try checkOpen()
        return try await backend.acquireLease(name: name, holder: holder, expires: expires, now: now)
    }

    public func releaseLease(name: String, holder: String) async throws {
        try checkOpen()
        try await backend.releaseLease(name: name, holder: holder)
    }
}
