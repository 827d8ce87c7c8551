import Foundation
import Testing
import Vitals
import VitalsRules

@testable import VitalsAlerting

/// Pending → firing → resolved per rule and group, with `for`, `keep_firing_for` and the severity ladder.
@Suite("Alert lifecycle", .timeLimit(.minutes(1)))
struct AlertLifecycleTests {
    static let rules = try! RuleSet(
        yaml: """
            rules:
              - name: errors
                match: {event: call}
                by: agent_id
                metric: error_rate
                thresholds: {warn: "> 10%", critical: "> 50%"}
                for: 2m
                keep_firing_for: 1m
              - name: instant
                match: {event: call}
                metric: count
                thresholds: {warn: "> 1000"}
            """,
        file: "rules.yml"
    ).rules

    static func at(_ minutes: Double) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000).adding(milliseconds: minutes * 60_000)
    }

    /// The results of `rules` over calls of agent `a1` with `failed` of 10 failing, and `count` calls in all.
    static func results(failed: Int, count: Int = 10) -> [RuleResult] {
        var evaluator = RuleEvaluator(rules: rules)
        for index in 0..<count {
            evaluator.add(
                Event(
                    name: "call",
                    durationMilliseconds: 1,
                    status: index % 10 < failed ? .error : .ok,
                    labels: ["agent_id": "a1"]
                )
            )
        }
        return evaluator.results()
    }

    @Test("pending for `for`, then firing; escalates in place; resolves after keep_firing_for")
    func lifecycle() throws {
        var engine = AlertEngine()
        engine.apply(Self.results(failed: 2), rules: Self.rules, at: Self.at(0))
        let fingerprint = Alert.fingerprint(rule: "errors", group: ["agent_id": "a1"])
        #expect(engine.alerts[fingerprint]?.state == .pending)
        #expect(engine.alerts[fingerprint]?.severity == "warn")
        engine.apply(Self.results(failed: 2), rules: Self.rules, at: Self.at(1))
        #expect(engine.alerts[fingerprint]?.state == .pending, "1 minute < for: 2m")
        engine.apply(Self.results(failed: 2), rules: Self.rules, at: Self.at(2))
        #expect(engine.alerts[fingerprint]?.state == .firing)
        #expect(engine.alerts[fingerprint]?.activeSince == Self.at(0), "the pending start is kept")
        engine.apply(Self.results(failed: 6), rules: Self.rules, at: Self.at(3))
        #expect(engine.alerts.count == 1, "escalation is the same alert, not a second one")
        #expect(engine.alerts[fingerprint]?.severity == "critical")
        engine.apply(Self.results(failed: 0), rules: Self.rules, at: Self.at(3.5))
        #expect(engine.alerts[fingerprint]?.state == .firing, "keep_firing_for: 1m")
        let (changed, _) = engine.apply(Self.results(failed: 0), rules: Self.rules, at: Self.at(4))
        #expect(engine.alerts[fingerprint]?.state == .resolved)
        #expect(engine.alerts[fingerprint]?.resolvedAt == Self.at(4))
        #expect(changed == [fingerprint])
        let snapshot = try #require(engine.alerts[fingerprint]?.snapshot())
        #expect(snapshot.status == .resolved)
        #expect(snapshot.labels == ["alertname": "errors", "severity": "critical", "agent_id": "a1"])
        #expect(snapshot.annotations["threshold"] == "> 50%")
    }

    @Test("a pending alert whose condition stops goes away without firing")
    func pendingVanishes() {
        var engine = AlertEngine()
        engine.apply(Self.results(failed: 2), rules: Self.rules, at: Self.at(0))
        let (_, removed) = engine.apply(Self.results(failed: 0), rules: Self.rules, at: Self.at(1))
        #expect(engine.alerts.isEmpty)
        #expect(removed.count == 1)
    }

    @Test("a rule without `for` fires at once; alerts of rules not evaluated are left alone")
    func instantAndUnevaluated() {
        var engine = AlertEngine()
        engine.apply(Self.results(failed: 0, count: 1_001), rules: Self.rules, at: Self.at(0))
        let instant = Alert.fingerprint(rule: "instant", group: [:])
        #expect(engine.alerts[instant]?.state == .firing)
        engine.apply([], rules: [], at: Self.at(10))
        #expect(engine.alerts[instant]?.state == .firing, "no evaluation of the rule: nothing changes")
        #expect(engine.retire(keeping: ["errors"], at: Self.at(11)) == [instant])
        #expect(engine.alerts[instant]?.state == .resolved)
    }

    @Test("resolved alerts leave the history after a day; a new violation opens a new pending alert")
    func history() {
        var engine = AlertEngine()
        engine.apply(Self.results(failed: 0, count: 1_001), rules: Self.rules, at: Self.at(0))
        engine.apply(Self.results(failed: 0, count: 5), rules: Self.rules, at: Self.at(1))
        let instant = Alert.fingerprint(rule: "instant", group: [:])
        #expect(engine.alerts[instant]?.state == .resolved)
        engine.apply(Self.results(failed: 0, count: 1_001), rules: Self.rules, at: Self.at(2))
        #expect(engine.alerts[instant]?.state == .firing)
        #expect(engine.alerts[instant]?.activeSince == Self.at(2), "a new episode starts anew")
        engine.apply(Self.results(failed: 0, count: 5), rules: Self.rules, at: Self.at(3))
        engine.apply(Self.results(failed: 0, count: 5), rules: Self.rules, at: Self.at(3 + 24 * 60))
        #expect(engine.alerts[instant] == nil)
    }

    @Test("fingerprints are stable, and differ by rule and by group")
    func fingerprints() {
        let one = Alert.fingerprint(rule: "errors", group: ["agent_id": "a1", "model": "m"])
        #expect(one == Alert.fingerprint(rule: "errors", group: ["model": "m", "agent_id": "a1"]))
        #expect(one != Alert.fingerprint(rule: "errors", group: ["agent_id": "a2", "model": "m"]))
        #expect(one != Alert.fingerprint(rule: "error", group: ["sagent_id": "a1", "model": "m"]))
        #expect(one.count == 16)
    }
}

/// The alerts' stored form: written by hand, read back by `Codable`.
@Suite("Alert state JSON")
struct AlertStateJSONTests {
    @Test("every field, odd text and absent optionals read back equal through JSONDecoder")
    func roundTrip() throws {
        let at = Timestamp(nanosecondsSinceEpoch: 1_800_000_000_123_456_789)
        let full = Alert(
            fingerprint: "00ff",
            rule: "errors \"quoted\"\n\\",
            group: ["agent_id": "a\u{1}é😀", "model": ""],
            state: .firing,
            severity: "critical",
            activeSince: at,
            firingSince: at.adding(milliseconds: 1),
            resolvedAt: at.adding(milliseconds: 2),
            lastViolation: at.adding(milliseconds: 3),
            value: 0.1 + 0.2,
            valueText: "30%\t",
            threshold: "> 10%",
            summary: "s",
            recommendation: "r",
            acknowledgement: Acknowledgement(
                author: "ana",
                comment: "on it",
                at: at,
                expires: at.adding(milliseconds: 4)
            )
        )
        let bare = Alert(
            fingerprint: "01",
            rule: "r",
            group: [:],
            state: .pending,
            severity: "warn",
            activeSince: at,
            lastViolation: at,
            valueText: "",
            threshold: ""
        )
        for alert in [full, bare] {
            #expect(try JSONDecoder().decode(Alert.self, from: Data(alert.stateJSON())) == alert)
        }
        var infinite = bare
        infinite.value = .infinity
        #expect(try JSONDecoder().decode(Alert.self, from: Data(infinite.stateJSON())).value == nil)
    }
}
