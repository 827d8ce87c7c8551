package import Vitals
package import VitalsRules

/// The alert lifecycle: rule results in, alerts out, with Prometheus' semantics.
///
/// A violated result whose alert is inactive opens it pending (firing at once when the rule has no `for`); a
/// pending alert fires once the condition has held for `for`; a firing alert whose condition stops holding
/// resolves after `keep_firing_for`; a pending one just goes away. A rule's severity ladder escalates the same
/// alert: the fingerprint is the rule and group, not the severity. Resolved alerts are kept a day as history.
///
/// ```swift
/// var engine = AlertEngine(alerts: restored)
/// let changed = engine.apply(results, rules: rules, at: .now())
/// try await persist(changed)
/// ```
package struct AlertEngine: Sendable {
    /// Every alert by fingerprint, resolved ones included until they expire from history.
    package private(set) var alerts: [String: Alert]
    /// How long a resolved alert stays in the history.
    package var historyMilliseconds: Double = 86_400_000

    /// An engine resuming from `alerts` (as kept in the store).
    package init(alerts: [Alert] = []) {
        self.alerts = Dictionary(alerts.map { ($0.fingerprint, $0) }, uniquingKeysWith: { $1 })
    }

    /// Applies one evaluation of `rules` (the results of exactly these rules) made at `now`; alerts of other
    /// rules are left as they are (except that resolved ones leave the history when it expires).
    ///
    /// - Returns: The fingerprints of the alerts that changed (to persist), and of those that were removed. A
    ///   new reading of an alert whose condition still holds (its `lastViolation`, `value` and `valueText`) is
    ///   not a change: it comes every evaluation, and the caller checkpoints it on a slower clock.
    @discardableResult
    package mutating func apply(
        _ results: [RuleResult],
        rules: [Rule],
        at now: Timestamp
    ) -> (changed: Set<String>, removed: Set<String>) {
        var changed: Set<String> = []
        var removed: Set<String> = []
        var violated: Set<String> = []
        for result in results where result.status == .violated {
            let group = Dictionary(result.group.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            let fingerprint = Alert.fingerprint(rule: result.rule.name, group: group)
            violated.insert(fingerprint)
            let severity = (result.severity ?? result.rule.highestSeverity).rawValue
            var alert =
                alerts[fingerprint].flatMap { $0.state == .resolved ? nil : $0 }
                ?? Alert(
                    fingerprint: fingerprint,
                    rule: result.rule.name,
                    group: group,
                    state: .pending,
                    severity: severity,
                    activeSince: now,
                    lastViolation: now,
                    valueText: "",
                    threshold: ""
                )
            alert.severity = severity
            alert.lastViolation = now
            alert.value = result.value
            alert.valueText = result.valueText
            alert.threshold = result.threshold.map { "\($0)" } ?? ""
            alert.summary = result.rule.description
            alert.recommendation = result.rule.recommendation
            if alert.state == .pending,
                now.milliseconds(since: alert.activeSince) >= (result.rule.pendingMilliseconds ?? 0)
            {
                alert.state = .firing
                alert.firingSince = now
            }
            if alerts[fingerprint].map({ !alert.isReading(of: $0) }) ?? true { changed.insert(fingerprint) }
            alerts[fingerprint] = alert
        }
        let evaluated = Dictionary(rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (fingerprint, var alert) in alerts where !violated.contains(fingerprint) {
            if alert.state == .resolved {
                if now.milliseconds(since: alert.resolvedAt ?? alert.lastViolation) >= historyMilliseconds {
                    alerts[fingerprint] = nil
                    removed.insert(fingerprint)
                }
                continue
            }
            // Alerts of rules not evaluated this time (their data could not be read) stay as they are.
            guard let rule = evaluated[alert.rule] else { continue }
            if alert.state == .pending {
                alerts[fingerprint] = nil
                removed.insert(fingerprint)
                continue
            }
            guard now.milliseconds(since: alert.lastViolation) >= (rule.keepFiringMilliseconds ?? 0) else { continue }
            alert.state = .resolved
            alert.resolvedAt = now
            alerts[fingerprint] = alert
            changed.insert(fingerprint)
        }
        return (changed, removed)
    }

    /// Resolves the active alerts of rules that are no longer loaded (after a configuration change).
    package mutating func retire(keeping loaded: Set<String>, at now: Timestamp) -> Set<String> {
        var changed: Set<String> = []
        for (fingerprint, var alert) in alerts where alert.state != .resolved && !loaded.contains(alert.rule) {
            alert.state = .resolved
            alert.resolvedAt = now
            alerts[fingerprint] = alert
            changed.insert(fingerprint)
        }
        return changed
    }

    /// Acknowledges the alert `fingerprint`; `false` when there is no such active alert.
    package mutating func acknowledge(_ fingerprint: String, _ acknowledgement: Acknowledgement) -> Bool {
        guard var alert = alerts[fingerprint], alert.state != .resolved else { return false }
        alert.acknowledgement = acknowledgement
        alerts[fingerprint] = alert
        return true
    }
}
