import Foundation
public import Logging
public import ServiceLifecycle
public import Vitals
import VitalsRules
public import VitalsStore

/// The watcher of `vitals serve`: evaluates the rules against the store every interval, keeps the alerts'
/// lifecycle, and hands the dispatcher's notifications to the delivery — on one server among all those that
/// share a database (a lease in the store; another takes over when the holder stops renewing it).
///
/// Everything that must survive a restart or a change of leader is in the store: alerts (with their pending
/// start and what was notified), notification groups, silences and acknowledgements. Silences and
/// acknowledgements may be written by any server; the leader reads them every tick.
///
/// ```swift
/// let alerting = AlertingService(configuration: configuration, store: store, state: store, sink: delivery)
/// let group = ServiceGroup(services: [alerting, delivery, server], logger: logger)
/// ```
public actor AlertingService: Service {
    /// State kinds in the store.
    enum Kind {
        static let alert = "alert"
        static let group = "notification-group"
        static let silence = "silence"
        static let acknowledgement = "acknowledgement"
    }

    /// The lease that elects the evaluating server.
    static let leaseName = "alerting"
    /// How many newer readings of alerts whose condition still holds each evaluation writes at least (see
    /// `persist`). A new leader resumes from the store, so after a failover `keep_firing_for` may end up to five
    /// evaluations early, and the other servers' `/v1/alerts` show values up to five evaluations old; writing
    /// every reading would rewrite every open alert on every evaluation.
    static let readingsPerEvaluation = 1_000

    public nonisolated let configuration: AlertingConfiguration
    private let store: any MetricStore
    let state: any StateStore
    let sink: any NotificationSink
    private let logger: Logger
    let now: @Sendable () -> Timestamp
    /// This server's name in the lease.
    public nonisolated let instance: String

    var engine: AlertEngine?
    /// The `lastViolation` of each alert as last written to the store.
    private var storedReadings: [String: Timestamp] = [:]
    /// Alerts changed or removed whose write to the store failed: retried with the next write.
    private var unsaved: (changed: Set<String>, removed: Set<String>) = ([], [])
    private var dispatcher: Dispatcher?
    var silences: [Silence] = []
    private var lastEvaluation: Timestamp?
    var statuses: [String: RuleStatus] = [:]
    var evaluationMilliseconds: Double?
    var evaluations = 0
    var evaluationFailures = 0
    /// The delivery, running while this server leads.
    private var delivering: Task<Void, Never>?

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - configuration: Rules, interval, routing.
    ///   - store: The metrics the rules read.
    ///   - state: Where alerts, groups, silences and acknowledgements are kept (usually the same store).
    ///   - sink: Where notifications go (the delivery's outbox).
    ///   - now: The wall-clock time; injected by tests.
    ///   - logger: Where evaluations and failures are logged.
    public init(
        configuration: AlertingConfiguration,
        store: any MetricStore,
        state: any StateStore,
        sink: any NotificationSink,
        now: @escaping @Sendable () -> Timestamp = { Timestamp.now() },
        logger: Logger = Logger(label: "vitals.alerting")
    ) {
        self.configuration = configuration
        self.store = store
        self.state = state
        self.sink = sink
        self.now = now
        self.logger = logger
        self.instance = "\(ProcessInfo.processInfo.hostName)/\(getpid())/\(UUID().uuidString.prefix(8))"
        for rule in configuration.rules {
            statuses[rule.name] = RuleStatus(rule: rule, alerts: [:])
        }
    }

    /// Ticks about once a second (evaluating when the interval has passed) until graceful shutdown; then
    /// gives the lease up so another server takes over at once.
    public func run() async throws {
        let tick = min(Duration.seconds(1), configuration.evaluationInterval / 4)
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    await self.tick()
                    try await Task.sleep(for: tick)
                }
            }
        } catch is CancellationError {}
        await stopDelivery()
        if engine != nil { try? await state.releaseLease(name: Self.leaseName, holder: instance) }
    }

    private func stopDelivery() async {
        guard let delivering else { return }
        await sink.stopDelivering()
        await delivering.value
        self.delivering = nil
    }

    /// One step: renew or take the lease, evaluate when due, dispatch. Failures are logged, never thrown.
    public func tick() async {
        let now = now()
        do {
            guard try await holdLease(at: now) else { return }
            if engine == nil { try await resume() }
            silences = try await load(Silence.self, Self.Kind.silence)
            try await applyAcknowledgements(now)
            if lastEvaluation.map({
                now.milliseconds(since: $0) >= Double(configuration.evaluationInterval.nanoseconds) / 1e6
            }) ?? true {
                try await evaluate(at: now)
                // An evaluation may take long: a server whose lease lapsed meanwhile must not notify.
                guard try await holdLease(at: self.now()) else { return }
            }
            try await dispatch(at: now)
        } catch {
            logger.error("alerting: \(error)")
        }
    }

    /// Takes or renews the lease, valid for 1.5 evaluation intervals (at least 3 s); standing by when another
    /// server holds it.
    private func holdLease(at now: Timestamp) async throws -> Bool {
        let ttl = Double(configuration.evaluationInterval.nanoseconds) / 1e6 * 1.5
        let leader = try await state.acquireLease(
            name: Self.leaseName,
            holder: instance,
            expires: now.adding(milliseconds: max(ttl, 3_000)),
            now: now
        )
        if !leader {
            if engine != nil { logger.info("alerting: another server holds the lease; standing by") }
            engine = nil
            dispatcher = nil
            await stopDelivery()
        }
        return leader
    }

    /// Evaluates every rule over its window ending at `now` and applies the results to the alerts.
    public func evaluate(at now: Timestamp) async throws {
        guard engine != nil else { return }
        let started = ContinuousClock.now
        var byWindow: [Int64: [Rule]] = [:]
        for rule in configuration.rules {
            let window = rule.windowMilliseconds.map { Int64($0 * 1e6) } ?? configuration.defaultWindow.nanoseconds
            byWindow[max(60_000_000_000, window), default: []].append(rule)
        }
        var results: [RuleResult] = []
        var evaluated: [Rule] = []
        for (window, rules) in byWindow.sorted(by: { $0.key < $1.key }) {
            let partStart = ContinuousClock.now
            let range = TimeRange(from: Timestamp(nanosecondsSinceEpoch: now.nanosecondsSinceEpoch - window), to: now)
            do {
                var evaluator = RuleEvaluator(rules: rules)
                try await StoreRuleSource(store: store, range: range).feed(&evaluator)
                results += evaluator.results()
                evaluated += rules
                let milliseconds = Self.milliseconds(ContinuousClock.now - partStart)
                for rule in rules {
                    statuses[rule.name]?.lastEvaluation = now
                    statuses[rule.name]?.durationMilliseconds = milliseconds
                    statuses[rule.name]?.error = nil
                }
            } catch {
                evaluationFailures += 1
                logger.error(
                    "alerting: evaluating \(rules.count) rules over \(window / 1_000_000_000)s failed: \(error)"
                )
                for rule in rules { statuses[rule.name]?.error = "\(error)" }
            }
        }
        // Taken out while it changes, so that its alerts are not copied (no suspension point in between).
        guard var engine = engine.take() else { return }
        let (changed, removed) = engine.apply(results, rules: evaluated, at: now)
        self.engine = engine
        try await persist(changed: changed, removed: removed)
        lastEvaluation = now
        evaluations += 1
        evaluationMilliseconds = Self.milliseconds(ContinuousClock.now - started)
        for name in statuses.keys { statuses[name]?.alerts = [:] }
        for alert in engine.alerts.values { statuses[alert.rule]?.alerts[alert.state, default: 0] += 1 }
    }

    /// Hands what the dispatcher says is due at `now` to the sink, then records it.
    public func dispatch(at now: Timestamp) async throws {
        guard let engine, var dispatcher else { return }
        let (notifications, changed, removed) = dispatcher.tick(
            alerts: engine.alerts.values,
            silences: silences,
            at: now
        )
        if !notifications.isEmpty { try await sink.enqueue(notifications) }
        self.dispatcher = dispatcher
        let encoder = JSONEncoder()
        var entries: [StateEntry] = []
        for key in changed {
            if let group = dispatcher.groups[key] {
                entries.append(StateEntry(kind: Self.Kind.group, key: key, body: Array(try encoder.encode(group))))
            }
        }
        try await state.putState(entries)
        try await state.deleteState(kind: Self.Kind.group, keys: Array(removed))
    }

    // MARK: Private

    func currentAlerts() async throws -> [Alert] {
        if let engine { return Array(engine.alerts.values) }
        return try await load(Alert.self, Self.Kind.alert)
    }

    /// Becomes the evaluating server: reads alerts and groups back from the store.
    private func resume() async throws {
        let alerts = try await load(Alert.self, Self.Kind.alert)
        let groups = try await load(NotificationGroup.self, Self.Kind.group)
        var engine = AlertEngine(alerts: alerts)
        storedReadings = Dictionary(alerts.map { ($0.fingerprint, $0.lastViolation) }, uniquingKeysWith: { $1 })
        unsaved = ([], [])
        let retired = engine.retire(keeping: Set(configuration.rules.map(\.name)), at: now())
        self.engine = engine
        try await persist(changed: retired, removed: [])
        dispatcher = Dispatcher(
            route: configuration.route,
            inhibitRules: configuration.inhibitRules,
            externalURL: configuration.externalURL,
            groups: groups
        )
        lastEvaluation = nil
        await stopDelivery()
        let sink = sink
        delivering = Task { await sink.deliverWhileLeading() }
        logger.info("alerting: this server evaluates now (\(alerts.count) alerts, \(groups.count) groups restored)")
    }

    private func applyAcknowledgements(_ now: Timestamp) async throws {
        guard engine != nil else { return }
        let acknowledgements = try await acknowledgementsByFingerprint()
        // Taken out while it changes (no suspension point in between), so that its alerts are not copied and no
        // change made while the acknowledgements were read is overwritten.
        guard var engine = engine.take() else { return }
        var stale: [String] = []
        for (fingerprint, acknowledgement) in acknowledgements {
            guard let alert = engine.alerts[fingerprint], alert.state != .resolved else {
                stale.append(fingerprint)
                continue
            }
            if alert.acknowledgement != acknowledgement { _ = engine.acknowledge(fingerprint, acknowledgement) }
        }
        self.engine = engine
        // An acknowledgement ends with its alert.
        try await state.deleteState(kind: Self.Kind.acknowledgement, keys: stale)
    }

    func acknowledgementsByFingerprint() async throws -> [String: Acknowledgement] {
        let decoder = JSONDecoder()
        var result: [String: Acknowledgement] = [:]
        for entry in try await state.loadState(kind: Self.Kind.acknowledgement) {
            if let acknowledgement = try? decoder.decode(Acknowledgement.self, from: Data(entry.body)) {
                result[entry.key] = acknowledgement
            }
        }
        return result
    }

    /// Writes the alerts that changed, and a share of the newer readings (last violation, value) of those whose
    /// condition still holds: every reading when there are at most ``readingsPerEvaluation`` of them, else the
    /// stalest of them, at least a fifth, so that none is more than five evaluations old in the store.
    private func persist(changed: Set<String>, removed: Set<String>) async throws {
        guard let engine else { return }
        // What an earlier failed write left unsaved goes with this one.
        let changed = changed.union(unsaved.changed)
        let removed = removed.union(unsaved.removed)
        unsaved = (changed, removed)
        var stale: [(fingerprint: String, stored: Timestamp)] = []
        for (fingerprint, alert) in engine.alerts where !changed.contains(fingerprint) {
            if let stored = storedReadings[fingerprint], stored != alert.lastViolation {
                stale.append((fingerprint, stored))
            }
        }
        let budget = max(Self.readingsPerEvaluation, (stale.count + 4) / 5)
        if stale.count > budget {
            stale.sort { $0.stored < $1.stored }
            stale.removeLast(stale.count - budget)
        }
        var entries: [StateEntry] = []
        var readings: [(String, Timestamp)] = []
        entries.reserveCapacity(changed.count + stale.count)
        for fingerprint in changed.union(stale.map(\.fingerprint)) {
            guard let alert = engine.alerts[fingerprint] else { continue }
            entries.append(StateEntry(kind: Self.Kind.alert, key: fingerprint, body: alert.stateJSON()))
            readings.append((fingerprint, alert.lastViolation))
        }
        try await state.putState(entries)
        for (fingerprint, reading) in readings { storedReadings[fingerprint] = reading }
        unsaved.changed = []
        try await state.deleteState(kind: Self.Kind.alert, keys: Array(removed))
        for fingerprint in removed { storedReadings[fingerprint] = nil }
        unsaved.removed = []
    }

    /// Entries of `kind` decoded as `T`; unreadable ones are logged and skipped.
    func load<T: Decodable>(_ type: T.Type, _ kind: String) async throws -> [T] {
        let decoder = JSONDecoder()
        return try await state.loadState(kind: kind).compactMap { entry in
            do {
                return try decoder.decode(T.self, from: Data(entry.body))
            } catch {
                logger.error("alerting: stored \(kind) \(entry.key) is unreadable and ignored: \(error)")
                return nil
            }
        }
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
    }
}
