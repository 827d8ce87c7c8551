public import VitalsAlerting
public import VitalsRules

/// The `alerting:` section of the server's configuration, checked when the server starts.
///
/// ```yaml
/// alerting:
///   rules: [supervisor, ./rules/agents.yml]
///   evaluation_interval: 60s
///   external_url: http://vitals.internal:8080
///   receivers:
///     - {name: ops, type: slack, url: https://hooks.slack.com/services/…}
///   route: {receiver: ops, group_by: [alertname, agent_id], max_notifications_per_hour: 10}
/// ```
public struct AlertingSettings: Sendable {
    /// The rules (packs and files, combined; names are unique).
    public var rules: [Rule]
    /// The pack names and files they came from, as written.
    public var ruleSources: [String]
    /// Time between evaluations. Default 60 s.
    public var evaluationInterval: Duration = .seconds(60)
    /// The URL people reach the server at (dashboard links in notifications); default the listening address.
    public var externalURL: String?
    /// Where notifications can go.
    public var receivers: [ReceiverConfiguration]
    /// The routing tree.
    public var route: Route
    /// Inhibitions (default: a firing critical alert mutes the lower-severity alerts of its group).
    public var inhibitRules: [InhibitRule] = [.criticalMutesLower]
    /// Notifications per receiver per hour before the rest is held back and summarised (set on each
    /// receiver). Default 10.
    public var maxNotificationsPerHour: Int = 10 {
        didSet {
            for index in receivers.indices { receivers[index].maximumNotificationsPerHour = maxNotificationsPerHour }
        }
    }

    /// Creates settings.
    public init(rules: [Rule], ruleSources: [String], receivers: [ReceiverConfiguration], route: Route) {
        self.rules = rules
        self.ruleSources = ruleSources
        self.receivers = receivers
        self.route = route
    }

    /// The settings `SLACK_WEBHOOK_URL` alone gives, as the original supervisor did: its pack, one Slack
    /// receiver.
    public static func slack(url: String) throws(RuleError) -> AlertingSettings {
        AlertingSettings(
            rules: try RuleSet.combined([try RuleSet.resolve("supervisor")]),
            ruleSources: ["supervisor"],
            receivers: [ReceiverConfiguration(name: "slack", kind: .slack(url: url))],
            route: Route(receiver: "slack", groupBy: ["alertname"])
        )
    }
}
