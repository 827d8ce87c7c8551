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
    private let closed = Atomic<Bool>(false)
    private let queue: GroupCommitQueue<PreparedBatch, IngestResult>

    /// Creates a store over an opened, migrated backend.
    package init(
        backend: any StoreBackend,
        configuration: StoreConfiguration,
        displayName: String,
        recordsCommitRounds: Bool = false
    ) {
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
        self.queue = GroupCommitQueue(recordsRounds: recordsCommitRounds) { batches in
            await Self.commit(batches, backend: backend, registry: registry)
        }
    }

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
            keepsRawEvents: configuration.keepsRawEvents
        )
        if batch.keys.isEmpty { return batch.result }
        batch.batchKey = batchKey.map { ($0, receivedAt.nanosecondsSinceEpoch) }
        return try await queue.submit(batch)
    }

    public func close() async throws {
        guard closed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        try await backend.close()
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

    /// One commit round: all batches in one transaction; if that fails and there were several, each alone, so
    /// that one batch's failure is not another's.
    private static func commit(
        _ batches: [PreparedBatch],
        backend: any StoreBackend,
        registry: LockedRegistry
    ) async -> [Result<IngestResult, any Error>] {
        do {
            let results = try await write(batches, backend: backend, registry: registry)
            return results.map { Result<IngestResult, any Error>.success($0) }
        } catch {
            guard batches.count > 1 else { return [.failure(error)] }
        }
        var results: [Result<IngestResult, any Error>] = []
        for batch in batches {
            do {
                results.append(.success(try await write([batch], backend: backend, registry: registry)[0]))
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }

    private static func write(
        _ batches: [PreparedBatch],
        backend: any StoreBackend,
        registry: LockedRegistry
    ) async throws -> [IngestResult] {
        var missing: [(kind: SeriesKind, name: String)] = []
        var seenNames = Set<String>()
        registry.withLock { registry in
            for batch in batches {
                for key in batch.keys where !registry.isLoaded(kind: key.kind, name: key.name) {
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
        let ids = try await backend.write(group)
        registry.withLock { registry in
            for (index, key) in group.series.enumerated() where group.knownIDs[index] == nil {
                registry.record(key, id: ids[index])
            }
        }
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
