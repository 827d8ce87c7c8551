import Foundation
public import Vitals
import VitalsRules
import VitalsStore

/// The alert API's operations: any server answers them, reading and writing the shared store.
extension AlertingService {
    /// Every alert, from memory on the evaluating server and from the store on the others, with why it is
    /// muted when it is.
    public func alerts() async throws -> [(alert: Alert, muted: String?)] {
        let now = now()
        let alerts = try await currentAlerts()
        let silences = try await load(Silence.self, Self.Kind.silence)
        let acknowledgements = try await acknowledgementsByFingerprint()
        let muting = Dispatcher(route: configuration.route, inhibitRules: configuration.inhibitRules, externalURL: "")
        let reasons = muting.mutedReasons(alerts, silences: silences, at: now)
        return alerts.map { alert in
            var alert = alert
            if let acknowledgement = acknowledgements[alert.fingerprint] { alert.acknowledgement = acknowledgement }
            return (alert, reasons[alert.fingerprint])
        }.sorted { ($0.alert.rule, $0.alert.fingerprint) < ($1.alert.rule, $1.alert.fingerprint) }
    }

    /// Acknowledges an active alert until it resolves or `expires`.
    ///
    /// - Throws: ``AlertingError`` when there is no active alert with that fingerprint.
    public func acknowledge(
        _ fingerprint: String,
        author: String,
        comment: String,
        expires: Timestamp?
    ) async throws -> Acknowledgement {
        let alerts = try await currentAlerts()
        guard alerts.contains(where: { $0.fingerprint == fingerprint && $0.state != .resolved }) else {
            throw AlertingError("no active alert has the fingerprint \(fingerprint)")
        }
        let acknowledgement = Acknowledgement(author: author, comment: comment, at: now(), expires: expires)
        try await state.putState([
            StateEntry(
                kind: Self.Kind.acknowledgement,
                key: fingerprint,
                body: Array(try JSONEncoder().encode(acknowledgement))
            )
        ])
        if var engine = engine.take() {
            _ = engine.acknowledge(fingerprint, acknowledgement)
            self.engine = engine
        }
        return acknowledgement
    }

    /// The silences, expired ones included (until a day after their end).
    public func listSilences() async throws -> [Silence] {
        try await load(Silence.self, Self.Kind.silence).sorted { $0.startsAt < $1.startsAt }
    }

    /// Adds a silence (an `id` is made when it has none).
    public func addSilence(_ silence: Silence) async throws -> Silence {
        var silence = silence
        if silence.id.isEmpty { silence.id = UUID().uuidString.lowercased() }
        try silence.validate()
        try await state.putState([
            StateEntry(kind: Self.Kind.silence, key: silence.id, body: Array(try JSONEncoder().encode(silence)))
        ])
        if engine != nil { silences = try await load(Silence.self, Self.Kind.silence) }
        return silence
    }

    /// Removes a silence; `false` when there is none with that id.
    public func removeSilence(_ id: String) async throws -> Bool {
        let existing = try await state.loadState(kind: Self.Kind.silence)
        guard existing.contains(where: { $0.key == id }) else { return false }
        try await state.deleteState(kind: Self.Kind.silence, keys: [id])
        silences.removeAll { $0.id == id }
        return true
    }

    /// The loaded rules with their latest evaluation (on the evaluating server).
    public func ruleStatuses() -> [RuleStatus] {
        configuration.rules.compactMap { statuses[$0.name] }
    }

    /// Figures for `/metrics`: whether this server evaluates, evaluations, failures, the last one's duration,
    /// and alerts by state.
    public func metrics() -> (
        leader: Bool, evaluations: Int, failures: Int, lastMilliseconds: Double?, alerts: [AlertState: Int]
    ) {
        var alerts: [AlertState: Int] = [:]
        for alert in engine?.alerts.values ?? [:].values { alerts[alert.state, default: 0] += 1 }
        return (engine != nil, evaluations, evaluationFailures, evaluationMilliseconds, alerts)
    }

    /// The delivery's figures per receiver.
    public func receiverFigures() async -> [ReceiverFigures] { await sink.figures() }

    /// Waits for `evaluations` more evaluations and then, when something fires, for a receiver to have been told
    /// (a notification sent or failed); returns at the latest after `timeLimit`. For a program or a test that has
    /// just stored data and wants the alerts it causes.
    ///
    /// ```swift
    /// try await store.ingest(records)
    /// await alerting.settle()
    /// for (alert, _) in try await alerting.alerts() { print(alert.rule, alert.state) }
    /// ```
    public func settle(evaluations: Int = 2, timeLimit: Duration = .seconds(30)) async {
        let clock = ContinuousClock()
        let end = clock.now + timeLimit
        let target = self.evaluations + evaluations
        while clock.now < end {
            do { try await Task.sleep(for: .milliseconds(100)) } catch { return }
            guard self.evaluations >= target else { continue }
            let firing = engine?.alerts.values.contains { $0.state == .firing } ?? false
            let told = await sink.figures().reduce(0) { $0 + $1.sent + $1.failed }
            if !firing || told > 0 { return }
        }
    }
}
