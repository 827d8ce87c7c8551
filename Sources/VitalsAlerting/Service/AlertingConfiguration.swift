public import Vitals
public import VitalsRules

/// What `vitals serve` watches and whom it tells: the `alerting:` section of the server's configuration.
public struct AlertingConfiguration: Sendable {
    /// The rules evaluated live (packs and files, combined).
    public var rules: [Rule]
    /// Time between evaluations (the original `SUPERVISOR_CHECK_INTERVAL`). Default 60 s.
    public var evaluationInterval: Duration
    /// The window of rules that give none. Default 5 minutes.
    public var defaultWindow: Duration
    /// The server's URL as people reach it, put in notifications (links to the dashboard).
    public var externalURL: String
    /// The routing tree.
    public var route: Route
    /// Inhibitions; default: a firing critical alert mutes the lower-severity alerts of its group.
    public var inhibitRules: [InhibitRule]

    /// Creates a configuration.
    public init(
        rules: [Rule],
        evaluationInterval: Duration = .seconds(60),
        defaultWindow: Duration = .seconds(300),
        externalURL: String = "http://127.0.0.1:8080",
        route: Route,
        inhibitRules: [InhibitRule] = [.criticalMutesLower]
    ) {
        self.rules = rules
        self.evaluationInterval = evaluationInterval
        self.defaultWindow = defaultWindow
        self.externalURL = externalURL
        self.route = route
        self.inhibitRules = inhibitRules
    }
}

/// Where the dispatcher's notifications go: the durable outbox of the delivery (or a test's collector).
public protocol NotificationSink: Sendable {
    /// Takes notifications for delivery; durable when it returns.
    func enqueue(_ notifications: [AlertNotification]) async throws
    /// What each receiver has been through, for `/metrics`.
    func figures() async -> [ReceiverFigures]
    /// Delivers while this server leads, until ``stopDelivering()`` (the alerting service calls both, so that
    /// among servers sharing a database only the lease holder sends).
    func deliverWhileLeading() async
    /// Ends ``deliverWhileLeading()`` after the attempts under way.
    func stopDelivering() async
}

extension NotificationSink {
    public func figures() async -> [ReceiverFigures] { [] }
    public func deliverWhileLeading() async {}
    public func stopDelivering() async {}
}

/// The delivery's counts for one receiver.
public struct ReceiverFigures: Sendable, Hashable {
    /// The receiver's name.
    public var receiver: String
    /// Notifications delivered.
    public var sent: Int
    /// Attempts that failed (each retry counts).
    public var failed: Int
    /// Notifications held back by the hourly cap.
    public var heldBack: Int
    /// Notifications given up on (a permanent error, or too old).
    public var dropped: Int
    /// Whether the receiver's circuit breaker is open.
    public var breakerOpen: Bool

    /// Creates figures.
    public init(receiver: String, sent: Int, failed: Int, heldBack: Int, dropped: Int, breakerOpen: Bool) {
        self.receiver = receiver
        self.sent = sent
        self.failed = failed
        self.heldBack = heldBack
        self.dropped = dropped
        self.breakerOpen = breakerOpen
    }
}

/// The outcome of a rule's latest evaluation, for `GET /v1/rules`.
public struct RuleStatus: Sendable {
    /// The rule.
    public var rule: Rule
    /// When it was last evaluated.
    public var lastEvaluation: Timestamp?
    /// How long the evaluation of its window took, in milliseconds.
    public var durationMilliseconds: Double?
    /// Why it could not be evaluated, if it could not.
    public var error: String?
    /// Its alerts by state.
    public var alerts: [AlertState: Int]
}
