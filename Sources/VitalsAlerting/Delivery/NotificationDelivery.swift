public import Logging
public import ServiceLifecycle
public import Vitals
public import VitalsStore

/// Delivers notifications to their receivers at least once, through a durable outbox, as a ServiceLifecycle
/// `Service`.
///
/// ``enqueue(_:)`` writes notifications to the ``StateStore`` before it returns; ``run()`` sends them, one
/// worker per receiver, until graceful shutdown. Each receiver gets:
///
/// - **Retries** with exponential backoff and full jitter (``DeliveryConfiguration``), honouring `Retry-After`
///   on 429 and 503. A 4xx other than 408 and 429 is refused for good: dropped, counted and logged. A
///   notification still failing after ``DeliveryConfiguration/maximumAge`` is given up and counted.
/// - **A circuit breaker**: after 5 failures in a row nothing is sent until a cooldown passes, then one
///   notification probes; success closes the breaker, failure doubles the cooldown.
/// - **An hourly cap** (``ReceiverConfiguration/maximumNotificationsPerHour``): a notification over it is not
///   sent but held back, its title kept in the store, and the next notification that goes out carries the
///   held-back titles in ``AlertNotification/heldBack``; nothing is dropped silently.
/// - **Order**: the notifications of one group go out in the order they were queued; groups do not wait for
///   each other.
///
/// A notification log (the ids of notifications delivered, held back, dropped or given up, kept
/// ``DeliveryConfiguration/sentLogRetention``) means that neither a restart nor a second ``enqueue(_:)`` of the same
/// ``AlertNotification/id`` sends it again. A crash between a receiver's answer and the log's write sends that one
/// notification again: delivery is at least once.
///
/// The state lives in three kinds of the store: `outbox` (keyed by notification id), `sent` (the log, keyed by
/// id) and `cap` (keyed by receiver). Circuit breakers and counters are kept in memory.
///
/// URLs, header values and bot tokens never reach the logs: lines name the receiver and the host of its URL.
///
/// ```swift
/// let delivery = try NotificationDelivery(
///     receivers: [ReceiverConfiguration(name: "ops", kind: .slack(url: slackURL))],
///     store: store,
///     transport: AsyncHTTPNotificationTransport(),
///     logger: logger
/// )
/// // The alerting service queues the dispatcher's notifications through `enqueue`.
/// let alerting = AlertingService(configuration: configuration, store: store, state: store, sink: delivery)
/// let services = ServiceGroup(services: [alerting, delivery, server], logger: logger)
/// ```
public actor NotificationDelivery: Service {
    /// What a receiver's worker does next.
    private enum Step: Sendable {
        case send(DeliveryRecords.OutboxEntry, AlertNotification, heldBackLines: Int)
        case wait(until: Timestamp?)
        case stop
    }

    /// What a worker needs outside the actor: it sends without holding it.
    private struct Worker: Sendable {
        var name: String
        var channel: ReceiverChannel
        var bell: Doorbell
    }

    /// A receiver's state inside the actor.
    private struct ReceiverState {
        var configuration: ReceiverConfiguration
        var outbox: [String: DeliveryRecords.OutboxEntry] = [:]
        var cap = DeliveryRecords.CapRecord()
        var breaker = CircuitBreaker()
        /// Set by a `Retry-After`: nothing goes to the receiver before.
        var notBefore: Timestamp?
    }

    private static let hour = Duration.seconds(3_600)

    private let store: any StateStore
    private let configuration: DeliveryConfiguration
    private let now: @Sendable () -> Timestamp
    private let sleep: @Sendable (Duration) async throws -> Void
    private let logger: Logger
    private let workers: [Worker]
    private let stopBell = Doorbell()
    private let stopping = LockedValue(false)
    private let counters: LockedValue<[String: ReceiverStatistics]>

    private var receivers: [String: ReceiverState] = [:]
    /// The notification log in memory: ids done with, and when.
    private var finished: [String: Timestamp] = [:]
    /// Whether workers run (from ``run()`` or for the alerting service's leader), and whether for the leader.
    private var workersRunning = false
    private var leaderWorkers = false
    private var nextSequence: Int64 = 0
    private var loaded = false
    private var lastPrune: Timestamp?
    private var random: any RandomNumberGenerator & Sendable

    /// Creates the delivery; nothing is read or sent until ``run()`` or ``enqueue(_:)``.
    ///
    /// - Parameters:
    ///   - receivers: The receivers, with unique names.
    ///   - store: Where the outbox, the notification log and the hourly caps are kept.
    ///   - transport: What posts the HTTP requests; needed when a receiver is Slack, webhook or Telegram.
    ///   - configuration: Retries, maximum age, circuit breaker and log retention.
    ///   - clock: The clock that retries and cooldowns sleep on. Default the continuous clock.
    ///   - now: The wall-clock time kept in the store. Default the current time.
    ///   - random: The source of the backoff's jitter. Default the system's.
    ///   - logger: Where delivery events go, and the log receiver's lines.
    /// - Throws: ``NotificationDeliveryError`` with code `invalidConfiguration` when a receiver is invalid,
    ///   two share a name, an HTTP receiver has no transport, or the configuration is out of range.
    public init(
        receivers: [ReceiverConfiguration],
        store: any StateStore,
        transport: (any NotificationTransport)? = nil,
        configuration: DeliveryConfiguration = .default,
        clock: some Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Timestamp = { Timestamp.now() },
        random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator(),
        logger: Logger
    ) throws {
        try configuration.validate()
        var names = Set<String>()
        for receiver in receivers {
            try receiver.validate()
            guard names.insert(receiver.name).inserted else {
                throw NotificationDeliveryError(
                    code: .invalidConfiguration,
                    message: "receiver \(receiver.name): two receivers have this name"
                )
            }
            if receiver.host != nil, transport == nil {
                throw NotificationDeliveryError(
                    code: .invalidConfiguration,
                    message: "receiver \(receiver.name) (\(receiver.type)) posts over HTTP, but no transport was given"
                )
            }
        }
        self.store = store
        self.configuration = configuration
        self.now = now
        self.sleep = { try await clock.sleep(for: $0) }
        self.logger = logger
        self.random = random
        self.workers = receivers.map {
            Worker(
                name: $0.name,
                channel: ReceiverChannel(receiver: $0, transport: transport, logger: logger),
                bell: Doorbell()
            )
        }
        var statistics: [String: ReceiverStatistics] = [:]
        for receiver in receivers {
            self.receivers[receiver.name] = ReceiverState(configuration: receiver)
            statistics[receiver.name] = ReceiverStatistics(receiver: receiver.name, type: receiver.type)
        }
        self.counters = LockedValue(statistics)
    }

    /// Queues notifications durably: when this returns they are in the store and will be delivered, even if the
    /// process stops first.
    ///
    /// A notification whose ``AlertNotification/id`` is queued already, or is in the notification log (delivered, held
    /// back by the hourly cap, refused or given up), is skipped, so the dispatcher may queue again after a restart
    /// without sending twice. All or none: an unknown receiver or a store failure queues nothing.
    ///
    /// ```swift
    /// try await delivery.enqueue([
    ///     AlertNotification(
    ///         id: "ops/{}:{rule=\"high_latency\"}/7", receiver: "ops", groupKey: "{}:{rule=\"high_latency\"}",
    ///         groupLabels: ["rule": "high_latency"], alerts: alerts, externalURL: "http://vitals.internal:8080",
    ///         createdAt: .now())
    /// ])
    /// ```
    ///
    /// - Parameter notifications: The notifications, each naming a configured receiver.
    /// - Throws: ``NotificationDeliveryError`` with code `unknownReceiver` or `storage`.
    public func enqueue(_ notifications: [AlertNotification]) async throws {
        guard !notifications.isEmpty else { return }
        for notification in notifications where receivers[notification.receiver] == nil {
            throw NotificationDeliveryError(
                code: .unknownReceiver,
                message: "notification \(notification.id): no receiver named '\(notification.receiver)' is configured"
            )
        }
        try await load()
        let time = now()
        var fresh: [DeliveryRecords.OutboxEntry] = []
        var ids = Set<String>()
        for notification in notifications where ids.insert(notification.id).inserted {
            if finished[notification.id] != nil || receivers[notification.receiver]?.outbox[notification.id] != nil {
                logger.debug(
                    "notification already queued or done with; not queued again",
                    metadata: ["receiver": "\(notification.receiver)", "notification_id": "\(notification.id)"]
                )
                continue
            }
            fresh.append(
                DeliveryRecords.OutboxEntry(
                    notification: notification,
                    sequence: nextSequence,
                    enqueuedAt: time,
                    failures: 0,
                    nextAttemptAt: time
                )
            )
            nextSequence += 1
        }
        guard !fresh.isEmpty else { return }
        do {
            try await store.putState(fresh.map { try Self.outboxState($0) })
        } catch {
            throw NotificationDeliveryError(
                code: .storage,
                message: "notification delivery: cannot write \(fresh.count) notifications to the outbox: \(error)",
                underlying: error
            )
        }
        for entry in fresh {
            receivers[entry.receiver]?.outbox[entry.id] = entry
        }
        updatePending()
        for receiver in Set(fresh.map(\.receiver)) {
            workers.first { $0.name == receiver }?.bell.ring()
        }
    }

    /// Sends what is queued, and what gets queued, until graceful shutdown or cancellation.
    ///
    /// On graceful shutdown the attempts under way finish (each within its receiver's timeout), then `run`
    /// returns; what is still queued is sent by the next run over the same store. On cancellation the attempts
    /// under way are cancelled too. While the store cannot be read at the start, `run` logs and tries again.
    /// Run one at a time.
    public func run() async throws {
        stopping.withLock { $0 = false }
        let bells = workers.map(\.bell) + [stopBell]
        await withTaskCancellationOrGracefulShutdownHandler {
            await runWorkers()
        } onCancelOrGracefulShutdown: { [stopping] in
            stopping.withLock { $0 = true }
            for bell in bells { bell.ring() }
        }
    }

    /// What each receiver's delivery has done so far, in the order the receivers were configured.
    ///
    /// Cheap and synchronous: for `/metrics`.
    public nonisolated func statistics() -> [ReceiverStatistics] {
        let snapshot = counters.withLock { $0 }
        return workers.compactMap { snapshot[$0.name] }
    }

    // MARK: - Workers

    /// Forgets what is in memory so that the next load reads the store afresh, and clears a previous stop.
    func restartFromStore() {
        guard !workersRunning else { return }
        loaded = false
        finished = [:]
        for name in receivers.keys {
            receivers[name]?.outbox = [:]
            receivers[name]?.notBefore = nil
        }
        stopping.withLock { $0 = false }
    }

    /// ``runWorkers()`` for the alerting service's leader, stopped by ``requestStopOfLeaderWorkers()``. Nothing
    /// happens when ``run()`` already runs the workers (a program that runs the delivery itself, on one server).
    func runLeaderWorkers() async {
        guard !workersRunning else { return }
        leaderWorkers = true
        await runWorkers()
        leaderWorkers = false
    }

    /// Asks the workers that ``runLeaderWorkers()`` started to stop after the attempts under way.
    func requestStopOfLeaderWorkers() {
        guard leaderWorkers else { return }
        stopping.withLock { $0 = true }
        for bell in workers.map(\.bell) + [stopBell] { bell.ring() }
    }

    private var isStopping: Bool { stopping.withLock { $0 } || Task.isCancelled }

    private func runWorkers() async {
        workersRunning = true
        defer { workersRunning = false }
        var failures = 0
        while !loaded {
            if isStopping { return }
            do {
                try await load()
            } catch {
                failures += 1
                let delay = configuration.retryDelay(afterFailures: failures, using: &random)
                logger.error(
                    "notification delivery cannot read its state; trying again",
                    metadata: ["error": "\(error)", "retry_in": "\(delay)"]
                )
                await stopBell.wait(atMost: max(delay, .milliseconds(1)), sleep: sleep)
            }
        }
        await withDiscardingTaskGroup { group in
            for worker in workers {
                group.addTask { await self.work(worker) }
            }
        }
    }

    /// One receiver's loop: send what is due, in order, or sleep until something is due or queued.
    private nonisolated func work(_ worker: Worker) async {
        while true {
            switch await nextStep(for: worker.name) {
            case .stop:
                return
            case .wait(let until):
                await worker.bell.wait(atMost: until.map { $0.duration(since: now()) }, sleep: sleep)
            case .send(let entry, let notification, let heldBackLines):
                let outcome = await worker.channel.deliver(notification)
                await finish(entry, outcome: outcome, heldBackLines: heldBackLines)
            }
        }
    }

    private func nextStep(for name: String) async -> Step {
        while true {
            if isStopping { return .stop }
            let time = now()
            await pruneSentLog(now: time)
            guard let state = receivers[name] else { return .stop }
            if let notBefore = state.notBefore {
                if time < notBefore { return .wait(until: notBefore) }
                receivers[name]?.notBefore = nil
            }
            // The oldest queued notification of each group; only those may go.
            var heads: [String: DeliveryRecords.OutboxEntry] = [:]
            for entry in state.outbox.values {
                let key = entry.notification.groupKey
                if let head = heads[key], head.sequence < entry.sequence { continue }
                heads[key] = entry
            }
            let ordered = heads.values.sorted { $0.sequence < $1.sequence }
            guard let oldest = ordered.first else { return .wait(until: nil) }

            // Asked only with something to send: an idle receiver's breaker stays open until there is a probe.
            let blocked = receivers[name]?.breaker.blockedUntil(now: time)
            updateBreaker(name)
            if let blocked { return .wait(until: blocked) }
            let probing = receivers[name]?.breaker.state == .halfOpen
            // A probe does not wait for its notification's backoff: the breaker's cooldown was the wait.
            let candidate: DeliveryRecords.OutboxEntry
            if probing {
                candidate = oldest
            } else if let due = ordered.first(where: { $0.nextAttemptAt <= time }) {
                candidate = due
            } else {
                return .wait(until: ordered.map(\.nextAttemptAt).min())
            }

            if let cap = state.configuration.maximumNotificationsPerHour {
                receivers[name]?.cap.forgetSends(before: time.adding(.zero - Self.hour))
                if let sent = receivers[name]?.cap.sentAt.count, sent >= cap {
                    await holdBack(candidate, cap: cap)
                    continue
                }
            }
            var notification = candidate.notification
            let lines = receivers[name]?.cap.lines ?? []
            notification.heldBack += lines
            return .send(candidate, notification, heldBackLines: lines.count)
        }
    }

    private func holdBack(_ entry: DeliveryRecords.OutboxEntry, cap: Int) async {
        let name = entry.receiver
        receivers[name]?.outbox[entry.id] = nil
        receivers[name]?.cap.holdBack(entry.notification.title)
        count(name) { $0.heldBack += 1 }
        updatePending()
        logger.notice(
            "notification held back by the hourly cap; the next message lists it",
            metadata: metadata(name, entry.id, ["title": "\(entry.notification.title)", "cap": "\(cap)"])
        )
        let time = now()
        finished[entry.id] = time
        guard let record = receivers[name]?.cap else { return }
        await persist("hold back \(entry.id)") { [store] in
            try await store.putState([
                try Self.logState(entry, outcome: .heldBack, at: time), try Self.capState(name, record),
            ])
            try await store.deleteState(kind: DeliveryRecords.outboxKind, keys: [entry.id])
        }
    }

    private func finish(
        _ entry: DeliveryRecords.OutboxEntry,
        outcome: ReceiverChannel.Outcome,
        heldBackLines: Int
    )
        async
    {
        let name = entry.receiver
        let time = now()
        guard receivers[name] != nil else { return }
        defer {
            updateBreaker(name)
            updatePending()
        }
        switch outcome {
        case .delivered:
            receivers[name]?.outbox[entry.id] = nil
            finished[entry.id] = time
            receivers[name]?.cap.forgetSends(before: time.adding(.zero - Self.hour))
            receivers[name]?.cap.sentAt.append(time)
            receivers[name]?.cap.delivered(lines: heldBackLines)
            if receivers[name]?.breaker.recordSuccess() == true {
                logger.notice("receiver answers again: circuit breaker closed", metadata: metadata(name, entry.id))
            }
            count(name) { $0.sent += 1 }
            logger.debug("notification delivered", metadata: metadata(name, entry.id))
            guard let record = receivers[name]?.cap else { return }
            // The log first: a crash before the outbox's delete leaves an entry that the next start recognises.
            await persist("record the delivery of \(entry.id)") { [store] in
                try await store.putState([
                    try Self.logState(entry, outcome: .delivered, at: time),
                    try Self.capState(name, record),
                ])
                try await store.deleteState(kind: DeliveryRecords.outboxKind, keys: [entry.id])
            }

        case .rejected(let reason):
            receivers[name]?.outbox[entry.id] = nil
            _ = receivers[name]?.breaker.recordSuccess()
            count(name) { $0.dropped += 1 }
            logger.error(
                "receiver refused the notification; dropped",
                metadata: metadata(name, entry.id, ["reason": "\(reason)"])
            )
            finished[entry.id] = time
            await persist("drop \(entry.id)") { [store] in
                try await store.putState([try Self.logState(entry, outcome: .dropped, at: time)])
                try await store.deleteState(kind: DeliveryRecords.outboxKind, keys: [entry.id])
            }

        case .failed(let reason, let retryAfter):
            var failed = receivers[name]?.outbox[entry.id] ?? entry
            failed.failures += 1
            count(name) { $0.failedAttempts += 1 }
            let asked = retryAfter.map { $0.delay(from: time) }
            if let asked, asked > .zero { receivers[name]?.notBefore = time.adding(asked) }
            if let cooldown = receivers[name]?.breaker.recordFailure(now: time, configuration: configuration) {
                logger.warning(
                    "receiver keeps failing: circuit breaker open",
                    metadata: metadata(name, entry.id, ["cooldown": "\(cooldown)"])
                )
            }
            if time.duration(since: failed.enqueuedAt) >= configuration.maximumAge {
                receivers[name]?.outbox[entry.id] = nil
                count(name) { $0.expired += 1 }
                logger.error(
                    "notification given up after failing for the maximum age",
                    metadata: metadata(
                        name,
                        entry.id,
                        [
                            "reason": "\(reason)", "attempts": "\(failed.failures)",
                            "maximum_age": "\(configuration.maximumAge)",
                        ]
                    )
                )
                finished[entry.id] = time
                await persist("give up \(entry.id)") { [store] in
                    try await store.putState([try Self.logState(entry, outcome: .expired, at: time)])
                    try await store.deleteState(kind: DeliveryRecords.outboxKind, keys: [entry.id])
                }
                return
            }
            let delay = configuration.retryDelay(afterFailures: failed.failures, retryAfter: asked, using: &random)
            failed.nextAttemptAt = time.adding(delay)
            receivers[name]?.outbox[entry.id] = failed
            logger.warning(
                "notification delivery failed; trying again",
                metadata: metadata(
                    name,
                    entry.id,
                    ["reason": "\(reason)", "attempt": "\(failed.failures)", "retry_in": "\(delay)"]
                )
            )
            let updated = failed
            await persist("reschedule \(entry.id)") { [store] in
                try await store.putState([try Self.outboxState(updated)])
            }

        case .cancelled:
            receivers[name]?.breaker.recordCancelled(now: time)
        }
    }

    // MARK: - State

    /// Reads the outbox, the notification log and the caps once; a second caller waits for nothing.
    private func load() async throws {
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
    private func pruneSentLog(now time: Timestamp) async {
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
    private func persist(_ what: String, _ write: @escaping @Sendable () async throws -> Void) async {
        do {
            try await Task { try await write() }.value
        } catch {
            logger.error(
                "notification delivery cannot write its state",
                metadata: ["operation": "\(what)", "error": "\(error)"]
            )
        }
    }

    private static func outboxState(_ entry: DeliveryRecords.OutboxEntry) throws -> StateEntry {
        StateEntry(kind: DeliveryRecords.outboxKind, key: entry.id, body: try DeliveryRecords.encode(entry))
    }

    private static func logState(
        _ entry: DeliveryRecords.OutboxEntry,
        outcome: DeliveryRecords.SentRecord.Outcome,
        at time: Timestamp
    ) throws -> StateEntry {
        let record = DeliveryRecords.SentRecord(receiver: entry.receiver, sentAt: time, outcome: outcome)
        return StateEntry(kind: DeliveryRecords.sentKind, key: entry.id, body: try DeliveryRecords.encode(record))
    }

    private static func capState(_ receiver: String, _ record: DeliveryRecords.CapRecord) throws -> StateEntry {
        StateEntry(kind: DeliveryRecords.capKind, key: receiver, body: try DeliveryRecords.encode(record))
    }

    // MARK: - Counters and logs

    private func count(_ name: String, _ update: (inout ReceiverStatistics) -> Void) {
        counters.withLock { counters in
            if counters[name] != nil { update(&counters[name]!) }
        }
    }

    private func updatePending() {
        let pending = receivers.mapValues(\.outbox.count)
        counters.withLock { counters in
            for (name, count) in pending { counters[name]?.pending = count }
        }
    }

    private func updateBreaker(_ name: String) {
        guard let state = receivers[name]?.breaker.publicState else { return }
        count(name) { $0.breaker = state }
    }

    /// The receiver, the host it posts to and the notification: never the URL, a header or a token.
    private func metadata(_ name: String, _ id: String, _ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["receiver": "\(name)", "notification_id": "\(id)"]
        if let host = receivers[name]?.configuration.host { metadata["host"] = "\(host)" }
        return metadata.merging(extra) { _, new in new }
    }
}
