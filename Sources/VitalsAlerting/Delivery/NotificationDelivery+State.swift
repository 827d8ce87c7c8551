import Logging
import ServiceLifecycle
import Vitals
import VitalsStore

/// The delivery's durable state (outbox, notification log, hourly caps), its counters and its log metadata.
extension NotificationDelivery {
    // MARK: - State

    /// Reads the outbox, the notification log and the caps once; a second caller waits for nothing.
    func load() async throws {
        if loaded { return }
        let outbox: [StateEntry]
        let sent: [StateEntry]
        let caps: [StateEntry]
        do {
            outbox = try await store.loadState(kind: DeliveryRecords.outboxKind)
            sent = try await store.loadState(kind: DeliveryRecords.sentKind)
            caps = try await store.loadState(kind: DeliveryRecords.capKind)
        } catch {
            throw NotificationDeliveryError(
                code: .storage,
                message: "notification delivery: cannot read the outbox from the state store: \(error)",
                underlying: error
            )
        }
        // Another caller may have loaded while this one read; its state is newer.
        if loaded { return }
        let time = now()
        var staleOutbox: [String] = []
        var staleSent: [String] = []

        for entry in sent {
            guard let record = try? DeliveryRecords.decode(DeliveryRecords.SentRecord.self, entry) else {
                logger.warning("unreadable notification log entry removed", metadata: ["key": "\(entry.key)"])
                staleSent.append(entry.key)
                continue
            }
            finished[entry.key] = record.sentAt
        }
        for entry in caps where receivers[entry.key] != nil {
            if let record = try? DeliveryRecords.decode(DeliveryRecords.CapRecord.self, entry) {
                receivers[entry.key]?.cap = record
            } else {
                logger.warning("unreadable hourly cap state ignored", metadata: ["receiver": "\(entry.key)"])
            }
        }
        var orphans: [String: Int] = [:]
        for stored in outbox {
            guard let entry = try? DeliveryRecords.decode(DeliveryRecords.OutboxEntry.self, stored) else {
                logger.error("unreadable outbox entry removed", metadata: ["key": "\(stored.key)"])
                staleOutbox.append(stored.key)
                continue
            }
            nextSequence = max(nextSequence, entry.sequence + 1)
            if finished[entry.id] != nil {
                // Done with, and the process stopped before the outbox forgot it.
                staleOutbox.append(stored.key)
            } else if receivers[entry.receiver] != nil {
                receivers[entry.receiver]?.outbox[entry.id] = entry
            } else if time.duration(since: entry.enqueuedAt) >= configuration.maximumAge {
                staleOutbox.append(stored.key)
            } else {
                // Kept for when the receiver is configured again, until the maximum age.
                orphans[entry.receiver, default: 0] += 1
            }
        }
        loaded = true
        lastPrune = nil
        updatePending()
        for (receiver, count) in orphans.sorted(by: { $0.key < $1.key }) {
            logger.warning(
                "notifications queued for a receiver that is no longer configured stay in the outbox",
                metadata: ["receiver": "\(receiver)", "notifications": "\(count)"]
            )
        }
        await persist("remove stale entries") { [store, staleOutbox, staleSent] in
            if !staleOutbox.isEmpty { try await store.deleteState(kind: DeliveryRecords.outboxKind, keys: staleOutbox) }
            if !staleSent.isEmpty { try await store.deleteState(kind: DeliveryRecords.sentKind, keys: staleSent) }
        }
        await pruneSentLog(now: time)
    }

    /// Forgets the ids done with longer ago than the log's retention, at most once an hour.
    func pruneSentLog(now time: Timestamp) async {
        if let lastPrune, time.duration(since: lastPrune) < Self.hour { return }
        lastPrune = time
        let cutoff = time.adding(.zero - configuration.sentLogRetention)
        let expired = finished.filter { $0.value < cutoff }.map(\.key)
        guard !expired.isEmpty else { return }
        for key in expired { finished[key] = nil }
        await persist("prune the notification log") { [store] in
            try await store.deleteState(kind: DeliveryRecords.sentKind, keys: expired)
        }
    }

    /// Runs a store write to its end, even when the run is being cancelled; a failure is logged, the state in
    /// memory stays as it is.
    ///
    /// What was sent must be recorded: a store that gives up on a cancelled task (GRDB does) would otherwise leave
    /// a delivered notification in the outbox at shutdown, to be sent again at the next start. The write runs in
    /// a task of its own, which the run's cancellation does not reach, and the caller waits for it.
    func persist(_ what: String, _ write: @escaping @Sendable () async throws -> Void) async {
        do {
            try await Task { try await write() }.value
        } catch {
            logger.error(
                "notification delivery cannot write its state",
                metadata: ["operation": "\(what)", "error": "\(error)"]
            )
        }
    }

    static func outboxState(_ entry: DeliveryRecords.OutboxEntry) throws -> StateEntry {
        StateEntry(kind: DeliveryRecords.outboxKind, key: entry.id, body: try DeliveryRecords.encode(entry))
    }

    static func logState(
        _ entry: DeliveryRecords.OutboxEntry,
        outcome: DeliveryRecords.SentRecord.Outcome,
        at time: Timestamp
    ) throws -> StateEntry {
        let record = DeliveryRecords.SentRecord(receiver: entry.receiver, sentAt: time, outcome: outcome)
        return StateEntry(kind: DeliveryRecords.sentKind, key: entry.id, body: try DeliveryRecords.encode(record))
    }

    static func capState(_ receiver: String, _ record: DeliveryRecords.CapRecord) throws -> StateEntry {
        StateEntry(kind: DeliveryRecords.capKind, key: receiver, body: try DeliveryRecords.encode(record))
    }

    // MARK: - Counters and logs

    func count(_ name: String, _ update: (inout ReceiverStatistics) -> Void) {
        counters.withLock { counters in
            if counters[name] != nil { update(&counters[name]!) }
        }
    }

    func updatePending() {
        let pending = receivers.mapValues(\.outbox.count)
        counters.withLock { counters in
            for (name, count) in pending { counters[name]?.pending = count }
        }
    }

    func updateBreaker(_ name: String) {
        guard let state = receivers[name]?.breaker.publicState else { return }
        count(name) { $0.breaker = state }
    }

    /// The receiver, the host it posts to and the notification: never the URL, a header or a token.
    func metadata(_ name: String, _ id: String, _ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["receiver": "\(name)", "notification_id": "\(id)"]
        if let host = receivers[name]?.configuration.host { metadata["host"] = "\(host)" }
        return metadata.merging(extra) { _, new in new }
    }
}
