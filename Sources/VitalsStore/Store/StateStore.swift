public import Vitals

/// One record of a subsystem's durable state (alerts, silences, the notification outbox): an opaque body
/// under a kind and a key.
public struct StateEntry: Sendable, Hashable {
    /// What the entry holds (`alert`, `silence`, `outbox`, …); each subsystem owns its kinds.
    public var kind: String
    /// The entry's key within its kind.
    public var key: String
    /// The entry, encoded by its owner.
    public var body: [UInt8]

    /// Creates an entry.
    public init(kind: String, key: String, body: [UInt8]) {
        self.kind = kind
        self.key = key
        self.body = body
    }
}

/// Durable key-value state beside the metrics, shared by every server on the same database, plus a lease so
/// that one server among several does a job (evaluating rules and notifying).
///
/// Writes are durable when the call returns. Both backends implement it; ``InMemoryStateStore`` is the
/// in-process version for programs without a database and for tests.
///
/// ```swift
/// try await store.putState([StateEntry(kind: "silence", key: id, body: bytes)])
/// let silences = try await store.loadState(kind: "silence")
/// ```
public protocol StateStore: Sendable {
    /// Inserts or replaces entries, all or none.
    func putState(_ entries: [StateEntry]) async throws
    /// Deletes entries of `kind` by key; missing keys are ignored.
    func deleteState(kind: String, keys: [String]) async throws
    /// Every entry of `kind`, in key order.
    func loadState(kind: String) async throws -> [StateEntry]
    /// Takes or renews the lease `name` for `holder` until `expires` when it is free, expired at `now`, or
    /// already held by `holder`.
    ///
    /// - Returns: Whether `holder` holds the lease after the call.
    func acquireLease(name: String, holder: String, expires: Timestamp, now: Timestamp) async throws -> Bool
    /// Gives the lease up if `holder` holds it, so another server can take it at once.
    func releaseLease(name: String, holder: String) async throws
}

/// State kept in memory: lost when the process ends. For programs without a database, and tests.
public actor InMemoryStateStore: StateStore {
    private var entries: [String: [String: [UInt8]]] = [:]
    private var leases: [String: (holder: String, expires: Timestamp)] = [:]

    /// Creates an empty store.
    public init() {}

    public func putState(_ entries: [StateEntry]) {
        for entry in entries { self.entries[entry.kind, default: [:]][entry.key] = entry.body }
    }

    public func deleteState(kind: String, keys: [String]) {
        for key in keys { entries[kind]?[key] = nil }
    }

    public func loadState(kind: String) -> [StateEntry] {
        (entries[kind] ?? [:]).sorted { $0.key < $1.key }.map { StateEntry(kind: kind, key: $0.key, body: $0.value) }
    }

    public func acquireLease(name: String, holder: String, expires: Timestamp, now: Timestamp) -> Bool {
        if let lease = leases[name], lease.holder != holder, lease.expires > now { return false }
        leases[name] = (holder, expires)
        return true
    }

    public func releaseLease(name: String, holder: String) {
        if leases[name]?.holder == holder { leases[name] = nil }
    }
}
