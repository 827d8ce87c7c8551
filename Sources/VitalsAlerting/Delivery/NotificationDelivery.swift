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
    enum Step: Sendable {
        case send(DeliveryRecords.OutboxEntry, AlertNotification, heldBackLines: Int)
        case wait(until: Timestamp?)
        case stop
    }

    /// What a worker needs outside the actor: it sends without holding it.
    struct Worker: Sendable {
        var name: String
        var channel: ReceiverChannel
        var bell: Doorbell
    }

    /// A receiver's state inside the actor.
    struct ReceiverState {
        var configuration: ReceiverConfiguration
        var outbox: [String: DeliveryRecords.OutboxEntry] = [:]
        var cap = DeliveryRecords.CapRecord()
        var breaker = CircuitBreaker()
        /// Set by a `Retry-After`: nothing goes to the receiver before.
        var notBefore: Timestamp?
    }

    static let hour = Duration.seconds(3_600)

    let store: any StateStore
    let configuration: DeliveryConfiguration
    let now: @Sendable () -> Timestamp
    let sleep: @Sendable (Duration) async throws -> Void
    let logger: Logger
    let workers: [Worker]
    let stopBell = Doorbell()
    let stopping = LockedValue(false)
    let counters: LockedValue<[String: ReceiverStatistics]>

    var receivers: [String: ReceiverState] = [:]
    /// The notification log in memory: ids done with, and when.
    var finished: [String: Timestamp] = [:]
    /// Whether workers run (from ``run()`` or for the alerting service's leader), and whether for the leader.
    var workersRunning = false
    var leaderWorkers = false
    var nextSequence: Int64 = 0
    var loaded = false
    var lastPrune: Timestamp?
    var random: any RandomNumberGenerator & Sendable

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
}
