/// Where alerts go and how they are grouped: a tree like Alertmanager's. An alert goes to the first child
/// route that matches it (and on to the next matching ones while a route says `continue`), else to the route
/// itself. Children inherit every setting they do not give.
///
/// ```swift
/// let route = Route(receiver: "ops", groupBy: ["alertname", "agent_id"], routes: [
///     Route(receiver: "pager", matchers: [SilenceMatcher(name: "severity", value: "critical")], continueMatching: true)
/// ])
/// ```
public struct Route: Sendable, Hashable {
    /// The receiver's name.
    public var receiver: String
    /// Conditions on the alert's labels; all must hold (none at the root).
    public var matchers: [SilenceMatcher]
    /// Labels whose values split alerts into notification groups (`...` for every label).
    public var groupBy: [String]
    /// How long a new group waits for more alerts before its first notification (Alertmanager's 30 s).
    public var groupWaitMilliseconds: Double
    /// How long a group waits between notifications about changes (5 m).
    public var groupIntervalMilliseconds: Double
    /// How long before a notification that is still true is sent again (4 h).
    public var repeatIntervalMilliseconds: Double
    /// Whether alerts matching this route go on to its next siblings too.
    public var continueMatching: Bool
    /// Child routes.
    public var routes: [Route]

    /// Creates a route.
    public init(
        receiver: String,
        matchers: [SilenceMatcher] = [],
        groupBy: [String] = ["alertname"],
        groupWaitMilliseconds: Double = 30_000,
        groupIntervalMilliseconds: Double = 300_000,
        repeatIntervalMilliseconds: Double = 14_400_000,
        continueMatching: Bool = false,
        routes: [Route] = []
    ) {
        self.receiver = receiver
        self.matchers = matchers
        self.groupBy = groupBy
        self.groupWaitMilliseconds = groupWaitMilliseconds
        self.groupIntervalMilliseconds = groupIntervalMilliseconds
        self.repeatIntervalMilliseconds = repeatIntervalMilliseconds
        self.continueMatching = continueMatching
        self.routes = routes
    }

    /// The routes an alert with `labels` is sent through, each with its position in the tree (`0`, `0.1`, …).
    public func destinations(for labels: [String: String], path: String = "0") -> [(id: String, route: Route)] {
        var found: [(id: String, route: Route)] = []
        for (index, child) in routes.enumerated() where child.matchers.allSatisfy({ $0.matches(labels[$0.name]) }) {
            found += child.destinations(for: labels, path: "\(path).\(index)")
            if !child.continueMatching { break }
        }
        return found.isEmpty ? [(path, self)] : found
    }

    /// Every receiver name the tree sends to.
    public var receivers: Set<String> { routes.reduce(into: [receiver]) { $0.formUnion($1.receivers) } }
}

/// An inhibition: while an alert matching `source` fires, alerts matching `target` that share the values of
/// the `equal` labels send no notification (Alertmanager's inhibit rule).
public struct InhibitRule: Sendable, Hashable {
    /// What the muting alert matches.
    public var source: [SilenceMatcher]
    /// What the muted alerts match.
    public var target: [SilenceMatcher]
    /// Labels that must have the same value in both; `nil` means the muting alert's group labels (and
    /// nothing is muted by an alert without group labels).
    public var equal: [String]?

    /// Creates an inhibition.
    public init(source: [SilenceMatcher], target: [SilenceMatcher], equal: [String]? = nil) {
        self.source = source
        self.target = target
        self.equal = equal
    }

    /// The default: a firing critical alert mutes the lower-severity alerts of the same group (same values of
    /// its group labels): the agent that is down does not also page about being slow.
    public static let criticalMutesLower = InhibitRule(
        source: [SilenceMatcher(name: "severity", value: "critical")],
        target: [SilenceMatcher(name: "severity", value: "critical", isEqual: false)]
    )
}
