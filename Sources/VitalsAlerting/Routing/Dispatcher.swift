package import Vitals

/// Turns alerts into notifications with Alertmanager's noise control: routing, grouping (`group_by`,
/// `group_wait`, `group_interval`), repeats (`repeat_interval`), silences, inhibition and acknowledgements.
///
/// Call ``tick(alerts:silences:at:)`` often (every second); it returns what to send now. Its state (what
/// each group has told its receiver) is kept in the store, so that after a restart an alert already notified
/// is not notified again.
///
/// ```swift
/// var dispatcher = Dispatcher(route: route, externalURL: "http://vitals:8080", groups: restored)
/// let notifications = dispatcher.tick(alerts: engine.alerts.values, silences: silences, at: .now())
/// try await delivery.enqueue(notifications)
/// ```
package struct Dispatcher: Sendable {
    /// The routing tree.
    package var route: Route
    /// Inhibitions.
    package var inhibitRules: [InhibitRule]
    /// The server's external URL, put in notifications.
    package var externalURL: String
    /// What each notification group has told its receiver, by group key.
    package private(set) var groups: [String: NotificationGroup]

    /// Creates a dispatcher resuming from `groups` (as kept in the store).
    package init(
        route: Route,
        inhibitRules: [InhibitRule] = [.criticalMutesLower],
        externalURL: String,
        groups: [NotificationGroup] = []
    ) {
        self.route = route
        self.inhibitRules = inhibitRules
        self.externalURL = externalURL
        self.groups = Dictionary(groups.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
    }

    /// Why each muted alert sends nothing at `now`, by fingerprint: the silence's id, or the muting alert.
    ///
    /// Linear in the number of alerts: inhibition looks sources up by the values of their `equal` labels.
    package func mutedReasons(_ alerts: [Alert], silences: [Silence], at now: Timestamp) -> [String: String] {
        let active = silences.filter { $0.isActive(at: now) }
        let inhibitions = InhibitionIndex(rules: inhibitRules, alerts: alerts)
        var reasons: [String: String] = [:]
        for alert in alerts {
            let labels = alert.labels
            if let silence = active.first(where: { $0.silences(labels, at: now) }) {
                reasons[alert.fingerprint] = "silenced by \(silence.id)"
            } else if let source = inhibitions.inhibitor(of: alert.fingerprint, labels: labels) {
                reasons[alert.fingerprint] = "inhibited by \(source)"
            }
        }
        return reasons
    }

    /// What to send at `now`, and which groups changed (to persist) or went away.
    package mutating func tick(
        alerts: some Collection<Alert>,
        silences: [Silence],
        at now: Timestamp
    ) -> (notifications: [AlertNotification], changed: Set<String>, removed: Set<String>) {
        let all = Array(alerts)
        let byFingerprint = Dictionary(all.map { ($0.fingerprint, $0) }, uniquingKeysWith: { $1 })
        var members: [String: [Alert]] = [:]
        var templates: [String: NotificationGroup] = [:]
        for alert in all where alert.state != .pending {
            let labels = alert.labels
            for (id, route) in route.destinations(for: labels) {
                let groupLabels = Self.groupLabels(labels, by: route.groupBy)
                let key =
                    id + ":"
                    + groupLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                members[key, default: []].append(alert)
                if templates[key] == nil {
                    templates[key] = NotificationGroup(
                        key: key,
                        receiver: route.receiver,
                        labels: groupLabels,
                        route: route
                    )
                }
            }
        }
        var notifications: [AlertNotification] = []
        var changed: Set<String> = []
        var removed: Set<String> = []
        let muted = mutedReasons(all.filter { $0.state != .pending }, silences: silences, at: now)
        for key in Set(members.keys).union(groups.keys) {
            let alerts = members[key] ?? []
            guard var group = groups[key] ?? templates[key] else { continue }
            if let template = templates[key] { group.settings = template.settings }
            let firing = alerts.filter { $0.state == .firing && muted[$0.fingerprint] == nil }
            // Resolved alerts this group told as firing, and those that went away altogether, are told resolved;
            // one still firing elsewhere (its severity moved it to another route) is just no longer this group's.
            let present = Set(alerts.map(\.fingerprint))
            let resolved =
                alerts.filter { $0.state == .resolved && group.notified[$0.fingerprint] != nil }
                + group.notified.keys.filter { !present.contains($0) && byFingerprint[$0]?.state != .firing }
                .compactMap { group.lastSent[$0] }.map {
                    var gone = $0
                    gone.state = .resolved
                    gone.resolvedAt = gone.resolvedAt ?? now
                    return gone
                }
            if groups[key] == nil {
                guard !firing.isEmpty else { continue }
                group.nextFlush = now.adding(milliseconds: group.settings.groupWaitMilliseconds)
                changed.insert(key)
            }
            let news = firing.contains { group.notified[$0.fingerprint] != $0.severity }
            let repeatDue =
                firing.contains { !$0.isAcknowledged(at: now) }
                && group.lastNotified.map { now.milliseconds(since: $0) >= group.settings.repeatIntervalMilliseconds }
                    ?? true
            var flushed = false
            if now >= group.nextFlush, news || !resolved.isEmpty || repeatDue {
                flushed = true
                group.sequence += 1
                let snapshots =
                    firing.sorted { $0.fingerprint < $1.fingerprint }.map { $0.snapshot() }
                    + resolved.sorted { $0.fingerprint < $1.fingerprint }.map { $0.snapshot() }
                notifications.append(
                    AlertNotification(
                        id: "\(group.receiver)/\(key)/\(group.sequence)",
                        receiver: group.receiver,
                        groupKey: key,
                        groupLabels: group.labels,
                        alerts: snapshots,
                        externalURL: externalURL,
                        createdAt: now
                    )
                )
                group.notified = Dictionary(firing.map { ($0.fingerprint, $0.severity) }, uniquingKeysWith: { $1 })
                group.lastSent = Dictionary(firing.map { ($0.fingerprint, $0) }, uniquingKeysWith: { $1 })
                group.lastNotified = now
                group.nextFlush = now.adding(milliseconds: group.settings.groupIntervalMilliseconds)
                changed.insert(key)
            }
            // A group goes away once it has nothing left to tell and has had its chance to (group_wait).
            // Kept until its next flush time even when empty, so that a flapping alert cannot start a new group
            // (with only group_wait) right after being told resolved.
            if group.notified.isEmpty && firing.isEmpty && now >= group.nextFlush && !flushed {
                groups[key] = nil
                removed.insert(key)
                changed.remove(key)
            } else {
                groups[key] = group
            }
        }
        return (notifications, changed, removed)
    }

    static func groupLabels(_ labels: [String: String], by keys: [String]) -> [String: String] {
        if keys.contains("...") { return labels }
        var result: [String: String] = [:]
        for key in keys { if let value = labels[key] { result[key] = value } }
        return result
    }
}

/// The firing alerts that can inhibit others, by inhibit rule and the values of the labels that must be equal.
struct InhibitionIndex {
    private struct Entry {
        var rule: InhibitRule
        /// Label names that must be equal → their values in a source → the source's fingerprint.
        var sources: [[String]: [[String]: String]] = [:]
    }

    private var entries: [Entry]

    init(rules: [InhibitRule], alerts: [Alert]) {
        entries = rules.map { Entry(rule: $0) }
        for index in entries.indices {
            let rule = entries[index].rule
            for alert in alerts where alert.state == .firing {
                let labels = alert.labels
                guard rule.source.allSatisfy({ $0.matches(labels[$0.name]) }) else { continue }
                let keys = (rule.equal ?? Array(alert.group.keys)).sorted()
                guard !keys.isEmpty else { continue }
                let values = keys.map { labels[$0] }
                guard !values.contains(nil) else { continue }
                entries[index].sources[keys, default: [:]][values.map { $0! }] = alert.fingerprint
            }
        }
    }

    /// The fingerprint of a firing alert that inhibits the alert `fingerprint` with `labels`, if any.
    func inhibitor(of fingerprint: String, labels: [String: String]) -> String? {
        for entry in entries where !entry.sources.isEmpty {
            guard entry.rule.target.allSatisfy({ $0.matches(labels[$0.name]) }) else { continue }
            for (keys, sources) in entry.sources {
                var values: [String] = []
                values.reserveCapacity(keys.count)
                for key in keys {
                    guard let value = labels[key] else { break }
                    values.append(value)
                }
                guard values.count == keys.count, let source = sources[values], source != fingerprint else { continue }
                return source
            }
        }
        return nil
    }
}

/// One notification group (route and values of its `group_by` labels) and what it last told its receiver.
package struct NotificationGroup: Sendable, Hashable, Codable {
    /// The route's position and the group labels.
    package var key: String
    /// The receiver's name.
    package var receiver: String
    /// The values of the route's `group_by` labels.
    package var labels: [String: String]
    /// The timing of the group's route.
    package var settings: Settings
    /// When the group may send next.
    package var nextFlush: Timestamp
    /// When it last sent.
    package var lastNotified: Timestamp?
    /// How many notifications it has made.
    package var sequence: Int
    /// The severity last told as firing, by fingerprint.
    package var notified: [String: String]
    /// The alerts last told as firing (to tell them resolved should they vanish).
    package var lastSent: [String: Alert]

    /// A group's timing, from its route.
    package struct Settings: Sendable, Hashable, Codable {
        /// `group_wait`.
        package var groupWaitMilliseconds: Double
        /// `group_interval`.
        package var groupIntervalMilliseconds: Double
        /// `repeat_interval`.
        package var repeatIntervalMilliseconds: Double
    }

    init(key: String, receiver: String, labels: [String: String], route: Route) {
        self.key = key
        self.receiver = receiver
        self.labels = labels
        self.settings = Settings(
            groupWaitMilliseconds: route.groupWaitMilliseconds,
            groupIntervalMilliseconds: route.groupIntervalMilliseconds,
            repeatIntervalMilliseconds: route.repeatIntervalMilliseconds
        )
        self.nextFlush = Timestamp(nanosecondsSinceEpoch: 0)
        self.sequence = 0
        self.notified = [:]
        self.lastSent = [:]
    }
}
