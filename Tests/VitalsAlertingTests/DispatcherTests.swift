import Foundation
import Testing
import Vitals
import VitalsAlerting

/// Alertmanager's noise control: group_wait, group_interval, repeat_interval, silences, acknowledgements,
/// inhibition, routing, and no repeat after a restart.
@Suite("Dispatcher", .timeLimit(.minutes(1)))
struct DispatcherTests {
    static func at(_ seconds: Double) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000).adding(milliseconds: seconds * 1_000)
    }

    static func alert(
        _ rule: String,
        agent: String,
        severity: String = "warn",
        state: AlertState = .firing,
        since: Double = 0
    ) -> Alert {
        Alert(
            fingerprint: Alert.fingerprint(rule: rule, group: ["agent_id": agent]),
            rule: rule,
            group: ["agent_id": agent],
            state: state,
            severity: severity,
            activeSince: at(since),
            firingSince: at(since),
            resolvedAt: state == .resolved ? at(since) : nil,
            lastViolation: at(since),
            value: 0.2,
            valueText: "20%",
            threshold: "> 10%"
        )
    }

    static let route = Route(
        receiver: "ops",
        groupBy: ["alertname"],
        groupWaitMilliseconds: 30_000,
        groupIntervalMilliseconds: 300_000,
        repeatIntervalMilliseconds: 14_400_000,
        routes: [
            Route(
                receiver: "pager",
                matchers: [SilenceMatcher(name: "severity", value: "critical")],
                groupBy: ["alertname"],
                continueMatching: true
            )
        ]
    )

    @Test("a new group waits group_wait and sends its alerts together; changes wait group_interval")
    func grouping() {
        var dispatcher = Dispatcher(route: Self.route, inhibitRules: [], externalURL: "http://vitals")
        var alerts = [Self.alert("errors", agent: "a1")]
        #expect(dispatcher.tick(alerts: alerts, silences: [], at: Self.at(0)).notifications.isEmpty)
        alerts.append(Self.alert("errors", agent: "a2", since: 10))
        #expect(dispatcher.tick(alerts: alerts, silences: [], at: Self.at(29)).notifications.isEmpty)
        let first = dispatcher.tick(alerts: alerts, silences: [], at: Self.at(30)).notifications
        #expect(first.count == 1)
        #expect(first.first?.alerts.count == 2, "both agents in one message")
        #expect(first.first?.groupLabels == ["alertname": "errors"])
        #expect(first.first?.receiver == "ops")
        #expect(first.first?.externalURL == "http://vitals")
        alerts.append(Self.alert("errors", agent: "a3", since: 40))
        #expect(dispatcher.tick(alerts: alerts, silences: [], at: Self.at(60)).notifications.isEmpty, "group_interval")
        let second = dispatcher.tick(alerts: alerts, silences: [], at: Self.at(330)).notifications
        #expect(second.first?.alerts.count == 3)
        #expect(second.first?.id != first.first?.id)
        #expect(dispatcher.tick(alerts: alerts, silences: [], at: Self.at(700)).notifications.isEmpty, "nothing new")
        let repeated = dispatcher.tick(alerts: alerts, silences: [], at: Self.at(330 + 14_400)).notifications
        #expect(repeated.count == 1, "repeat_interval")
    }

    @Test("resolved alerts are told once, then the group goes away")
    func resolved() {
        var dispatcher = Dispatcher(route: Self.route, inhibitRules: [], externalURL: "")
        _ = dispatcher.tick(alerts: [Self.alert("errors", agent: "a1")], silences: [], at: Self.at(0))
        #expect(
            dispatcher.tick(alerts: [Self.alert("errors", agent: "a1")], silences: [], at: Self.at(30)).notifications
                .count == 1
        )
        let resolved = [Self.alert("errors", agent: "a1", state: .resolved, since: 100)]
        #expect(
            dispatcher.tick(alerts: resolved, silences: [], at: Self.at(200)).notifications.isEmpty,
            "group_interval"
        )
        let told = dispatcher.tick(alerts: resolved, silences: [], at: Self.at(330))
        #expect(told.notifications.first?.status == .resolved)
        #expect(told.notifications.first?.alerts.first?.endsAt == Self.at(100))
        #expect(told.removed.isEmpty, "kept until group_interval, so flapping cannot bypass it")
        #expect(dispatcher.tick(alerts: resolved, silences: [], at: Self.at(630)).removed.count == 1)
        #expect(dispatcher.groups.isEmpty)
        #expect(dispatcher.tick(alerts: resolved, silences: [], at: Self.at(10_000)).notifications.isEmpty)
    }

    @Test("critical alerts also go to the pager (continue), each receiver its own group")
    func routing() {
        var dispatcher = Dispatcher(route: Self.route, inhibitRules: [], externalURL: "")
        let alerts = [Self.alert("errors", agent: "a1", severity: "critical"), Self.alert("slow", agent: "a1")]
        _ = dispatcher.tick(alerts: alerts, silences: [], at: Self.at(0))
        let sent = dispatcher.tick(alerts: alerts, silences: [], at: Self.at(30)).notifications
        // As in Alertmanager: a matching child route takes the alert; `continue` only lets later siblings match too.
        #expect(sent.map(\.receiver).sorted() == ["ops", "pager"])
        #expect(sent.filter { $0.receiver == "pager" }.flatMap(\.alerts).map(\.ruleName) == ["errors"])
        #expect(sent.filter { $0.receiver == "ops" }.flatMap(\.alerts).map(\.ruleName) == ["slow"])
    }

    @Test("a silence mutes matching alerts while it lasts; an acknowledgement stops repeats only")
    func silenceAndAcknowledgement() {
        var dispatcher = Dispatcher(route: Route(receiver: "ops"), inhibitRules: [], externalURL: "")
        let silence = Silence(
            id: "s1",
            matchers: [SilenceMatcher(name: "agent_id", value: "a[12]", isRegex: true)],
            startsAt: Self.at(0),
            endsAt: Self.at(1_000),
            createdBy: "ops",
            comment: "maintenance"
        )
        let alerts = [Self.alert("errors", agent: "a1")]
        _ = dispatcher.tick(alerts: alerts, silences: [silence], at: Self.at(0))
        #expect(dispatcher.tick(alerts: alerts, silences: [silence], at: Self.at(30)).notifications.isEmpty)
        #expect(
            dispatcher.mutedReasons(alerts, silences: [silence], at: Self.at(30)) == [
                alerts[0].fingerprint: "silenced by s1"
            ]
        )
        #expect(dispatcher.tick(alerts: alerts, silences: [silence], at: Self.at(1_000)).notifications.isEmpty)
        let after = dispatcher.tick(alerts: alerts, silences: [silence], at: Self.at(1_030)).notifications
        #expect(after.count == 1, "the silence ended (and group_wait passed)")

        var acknowledged = alerts
        acknowledged[0].acknowledgement = Acknowledgement(author: "ann", comment: "on it", at: Self.at(1_100))
        #expect(dispatcher.tick(alerts: acknowledged, silences: [], at: Self.at(1_030 + 14_400)).notifications.isEmpty)
        acknowledged[0].acknowledgement?.expires = Self.at(20_000)
        #expect(dispatcher.tick(alerts: acknowledged, silences: [], at: Self.at(20_000)).notifications.count == 1)
        var escalated = acknowledged
        escalated[0].severity = "critical"
        escalated[0].acknowledgement?.expires = nil
        let told = dispatcher.tick(alerts: escalated, silences: [], at: Self.at(20_400)).notifications
        #expect(
            told.contains { $0.receiver == "ops" && $0.alerts.first?.severity == "critical" },
            "a change is told even when acknowledged"
        )
    }

    @Test("a firing critical alert mutes the lower-severity alerts of its group, not others")
    func inhibition() {
        var dispatcher = Dispatcher(
            route: Route(receiver: "ops", groupBy: ["..."], groupWaitMilliseconds: 0),
            externalURL: ""
        )
        let alerts = [
            Self.alert("down", agent: "a1", severity: "critical"),
            Self.alert("slow", agent: "a1", severity: "warn"),
            Self.alert("slow", agent: "a2", severity: "warn"),
        ]
        let sent =
            dispatcher.tick(alerts: alerts, silences: [], at: Self.at(0)).notifications
            + dispatcher.tick(alerts: alerts, silences: [], at: Self.at(1)).notifications
        let told = Set(sent.flatMap(\.alerts).map { "\($0.ruleName)/\($0.labels["agent_id"]!)" })
        #expect(told == ["down/a1", "slow/a2"])
        #expect(
            dispatcher.mutedReasons(alerts, silences: [], at: Self.at(1))
                == [alerts[1].fingerprint: "inhibited by \(alerts[0].fingerprint)"]
        )
    }

    @Test("flapping alerts send at most one notification per group_interval")
    func flapping() {
        var dispatcher = Dispatcher(route: Self.route, inhibitRules: [], externalURL: "")
        var sent = 0
        var random: UInt64 = 7
        for second in stride(from: 0.0, to: 3_600, by: 10) {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let flip = random >> 63 == 0
            let alert = Self.alert("errors", agent: "a1", state: flip ? .firing : .resolved, since: second)
            sent += dispatcher.tick(alerts: [alert], silences: [], at: Self.at(second)).notifications.count
        }
        #expect(sent <= 3_600 / 300 + 1, "\(sent) notifications in an hour of flapping")
        #expect(sent >= 2)
    }

    @Test("groups read back from their stored form do not notify again")
    func restart() throws {
        var dispatcher = Dispatcher(route: Self.route, inhibitRules: [], externalURL: "")
        let alerts = [Self.alert("errors", agent: "a1")]
        _ = dispatcher.tick(alerts: alerts, silences: [], at: Self.at(0))
        #expect(dispatcher.tick(alerts: alerts, silences: [], at: Self.at(30)).notifications.count == 1)
        let stored = try dispatcher.groups.values.map { try JSONEncoder().encode($0) }
        let groups = try stored.map { try JSONDecoder().decode(NotificationGroup.self, from: $0) }
        var restarted = Dispatcher(route: Self.route, inhibitRules: [], externalURL: "", groups: groups)
        #expect(restarted.tick(alerts: alerts, silences: [], at: Self.at(400)).notifications.isEmpty)
        #expect(restarted.tick(alerts: alerts, silences: [], at: Self.at(30 + 14_400)).notifications.count == 1)
    }
}
