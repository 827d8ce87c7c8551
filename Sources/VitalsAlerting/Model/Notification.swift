public import Vitals

/// Whether an alert is still active or has stopped.
public enum AlertStatus: String, Sendable, Hashable, Codable {
    /// The rule's condition has held for its `for` duration and still holds.
    case firing
    /// The condition stopped holding (after `keep_firing_for`).
    case resolved
}

/// One alert as a notification carries it: Alertmanager's fields plus the rule's reading.
public struct AlertSnapshot: Sendable, Hashable, Codable {
    /// Identifies the alert: a hash of its rule name and group labels, stable across restarts.
    public var fingerprint: String
    /// Firing or resolved.
    public var status: AlertStatus
    /// `alertname` (the rule), `severity` and the group labels.
    public var labels: [String: String]
    /// `summary`, `description`, `recommendation`, `value` and `threshold`, when known.
    public var annotations: [String: String]
    /// When the condition started holding (the pending start, as Prometheus sends it).
    public var startsAt: Timestamp
    /// When it resolved; `nil` while firing.
    public var endsAt: Timestamp?
    /// The rule's value at the last evaluation.
    public var value: Double?

    /// Creates a snapshot.
    public init(
        fingerprint: String,
        status: AlertStatus,
        labels: [String: String],
        annotations: [String: String] = [:],
        startsAt: Timestamp,
        endsAt: Timestamp? = nil,
        value: Double? = nil
    ) {
        self.fingerprint = fingerprint
        self.status = status
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.value = value
    }

    /// The rule's name (label `alertname`).
    public var ruleName: String { labels["alertname"] ?? "" }
    /// The severity (label `severity`: warn, medium, high or critical).
    public var severity: String { labels["severity"] ?? "" }
}

/// What one receiver is told about one group of alerts at one moment.
///
/// Built by the dispatcher (grouping, repeats, silences, inhibition, acknowledgements), then queued in the
/// durable outbox and delivered at least once; ``id`` is unique, so a delivered notification is never sent again.
public struct AlertNotification: Sendable, Hashable, Codable {
    /// Unique identity: receiver, group key and sequence number within the group.
    public var id: String
    /// The receiver's name in the configuration.
    public var receiver: String
    /// The group: the route's `group_by` labels and their values, as Alertmanager prints it.
    public var groupKey: String
    /// The values of the route's `group_by` labels.
    public var groupLabels: [String: String]
    /// The alerts of the group, firing ones first.
    public var alerts: [AlertSnapshot]
    /// The server's external URL (links to the dashboard).
    public var externalURL: String
    /// When the dispatcher made it.
    public var createdAt: Timestamp
    /// One line per notification the receiver's hourly cap held back since its last message (filled in at
    /// delivery; receivers summarise them).
    public var heldBack: [String]

    /// Creates a notification.
    public init(
        id: String,
        receiver: String,
        groupKey: String,
        groupLabels: [String: String],
        alerts: [AlertSnapshot],
        externalURL: String,
        createdAt: Timestamp,
        heldBack: [String] = []
    ) {
        self.id = id
        self.receiver = receiver
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.alerts = alerts
        self.externalURL = externalURL
        self.createdAt = createdAt
        self.heldBack = heldBack
    }

    /// Firing when any alert fires, resolved when all have resolved.
    public var status: AlertStatus { alerts.contains { $0.status == .firing } ? .firing : .resolved }

    /// Labels every alert shares with the same value.
    public var commonLabels: [String: String] { Self.common(alerts.map(\.labels)) }

    /// Annotations every alert shares with the same value.
    public var commonAnnotations: [String: String] { Self.common(alerts.map(\.annotations)) }

    /// A one-line description: status, alert count, rule and group.
    public var title: String {
        let firing = alerts.filter { $0.status == .firing }.count
        let rules = Set(alerts.map(\.ruleName)).sorted().joined(separator: ", ")
        let group = groupLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let state = status == .firing ? "FIRING:\(firing)" : "RESOLVED"
        return group.isEmpty ? "[\(state)] \(rules)" : "[\(state)] \(rules) (\(group))"
    }

    private static func common(_ sets: [[String: String]]) -> [String: String] {
        guard var result = sets.first else { return [:] }
        for set in sets.dropFirst() { result = result.filter { set[$0.key] == $0.value } }
        return result
    }
}
