public import Vitals
import VitalsRules

/// Where an alert is in its life: pending while its condition holds for less than the rule's `for`, firing
/// after, resolved once the condition has stopped holding (for longer than `keep_firing_for`).
public enum AlertState: String, Sendable, Hashable, Codable, CaseIterable {
    /// The condition holds, not yet for the rule's `for`.
    case pending
    /// The condition has held for `for` and still holds (or stopped less than `keep_firing_for` ago).
    case firing
    /// The condition stopped holding; kept for a day as history.
    case resolved
}

/// One live alert: a rule and the values of its group labels (its fingerprint), its state, the latest reading
/// and what has been done about it. Kept in the store, so a restart neither forgets nor repeats it.
public struct Alert: Sendable, Hashable, Codable {
    /// A stable hash of the rule name and group labels.
    public var fingerprint: String
    /// The rule's name.
    public var rule: String
    /// The values of the rule's `by` labels.
    public var group: [String: String]
    /// Pending, firing or resolved.
    public var state: AlertState
    /// The severity of the latest violation; it escalates (and de-escalates) in place.
    public var severity: String
    /// When the condition started holding (the pending start, kept across restarts).
    public var activeSince: Timestamp
    /// When the alert started firing.
    public var firingSince: Timestamp?
    /// When it resolved.
    public var resolvedAt: Timestamp?
    /// The last evaluation at which the condition held.
    public var lastViolation: Timestamp
    /// The latest value.
    public var value: Double?
    /// The latest value as text, with its unit.
    public var valueText: String
    /// The crossed threshold as text (`> 5s`).
    public var threshold: String
    /// The rule's description.
    public var summary: String?
    /// What to do about it.
    public var recommendation: String?
    /// Who acknowledged it and until when (repeats stop until then, or until it resolves).
    public var acknowledgement: Acknowledgement?

    /// Creates an alert.
    public init(
        fingerprint: String,
        rule: String,
        group: [String: String],
        state: AlertState,
        severity: String,
        activeSince: Timestamp,
        firingSince: Timestamp? = nil,
        resolvedAt: Timestamp? = nil,
        lastViolation: Timestamp,
        value: Double? = nil,
        valueText: String,
        threshold: String,
        summary: String? = nil,
        recommendation: String? = nil,
        acknowledgement: Acknowledgement? = nil
    ) {
        self.fingerprint = fingerprint
        self.rule = rule
        self.group = group
        self.state = state
        self.severity = severity
        self.activeSince = activeSince
        self.firingSince = firingSince
        self.resolvedAt = resolvedAt
        self.lastViolation = lastViolation
        self.value = value
        self.valueText = valueText
        self.threshold = threshold
        self.summary = summary
        self.recommendation = recommendation
        self.acknowledgement = acknowledgement
    }

    /// The labels notifications and matchers see: `alertname`, `severity` and the group labels.
    public var labels: [String: String] {
        var labels = group
        labels["alertname"] = rule
        labels["severity"] = severity
        return labels
    }

    /// Whether an unexpired acknowledgement covers the alert at `now`.
    public func isAcknowledged(at now: Timestamp) -> Bool {
        guard let acknowledgement else { return false }
        return acknowledgement.expires.map { $0 > now } ?? true
    }

    /// The alert as a notification carries it.
    public func snapshot() -> AlertSnapshot {
        var annotations: [String: String] = ["value": valueText, "threshold": threshold]
        if let summary { annotations["summary"] = summary }
        if let recommendation { annotations["recommendation"] = recommendation }
        annotations["description"] =
            "\(rule)\(Self.groupText(group)): \(valueText), threshold \(threshold)"
        return AlertSnapshot(
            fingerprint: fingerprint,
            status: state == .resolved ? .resolved : .firing,
            labels: labels,
            annotations: annotations,
            startsAt: activeSince,
            endsAt: state == .resolved ? resolvedAt : nil,
            value: value
        )
    }

    static func groupText(_ group: [String: String]) -> String {
        group.isEmpty
            ? "" : " [" + group.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + "]"
    }

    /// The fingerprint of a rule and group: FNV-1a over the rule name and the sorted label pairs, 16 hex digits.
    public static func fingerprint(rule: String, group: [String: String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            hash ^= 0xff
            hash = hash &* 0x0000_0100_0000_01b3
        }
        mix(rule)
        for (key, value) in group.sorted(by: { $0.key < $1.key }) {
            mix(key)
            mix(value)
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// Someone saying "I am on it": stops repeated notifications of one alert until it resolves or this expires.
public struct Acknowledgement: Sendable, Hashable, Codable {
    /// Who acknowledged.
    public var author: String
    /// Why, or what is being done.
    public var comment: String
    /// When.
    public var at: Timestamp
    /// Until when; `nil` until the alert resolves.
    public var expires: Timestamp?

    /// Creates an acknowledgement.
    public init(author: String, comment: String, at: Timestamp, expires: Timestamp? = nil) {
        self.author = author
        self.comment = comment
        self.at = at
        self.expires = expires
    }
}

extension Alert {
    /// Whether this alert is `other` with only a newer reading: the same in everything but `lastViolation`,
    /// `value` and `valueText`.
    func isReading(of other: Alert) -> Bool {
        var reading = other
        reading.lastViolation = lastViolation
        reading.value = value
        reading.valueText = valueText
        return reading == self
    }
}
