import Foundation
import Logging
import Synchronization
import Testing
import Vitals
import VitalsAlerting
import VitalsRules
import VitalsSQLite
import VitalsStore

/// The watcher end to end over a real SQLite store: violating data in, notifications out, state that survives
/// a restart, one evaluating server per database.
@Suite("Alerting service", .timeLimit(.minutes(1)))
struct AlertingServiceTests {
    /// Notifications handed to the delivery, in order.
    final class Collector: NotificationSink {
        let sent = Mutex<[AlertNotification]>([])
        func enqueue(_ notifications: [AlertNotification]) async throws { sent.withLock { $0 += notifications } }
        var all: [AlertNotification] { sent.withLock { $0 } }
    }

    /// A settable wall clock.
    final class Clock: Sendable {
        let value: Mutex<Timestamp>
        init(_ start: Timestamp) { value = Mutex(start) }
        var now: Timestamp { value.withLock { $0 } }
        func advance(seconds: Double) { value.withLock { $0 = $0.adding(milliseconds: seconds * 1_000) } }
    }

    static let rules = try! RuleSet(
        yaml: """
            rules:
              - name: agent-errors
                match: {event: task}
                by: agent_id
                metric: error_rate
                thresholds: {warn: "> 10%", critical: "> 50%"}
                window: 5m
                for: 1m
                recommendation: Look at the agent's recent failures.
              - name: queue
                match: {gauge: queue_depth}
                metric: last
                thresholds: {high: "> 100"}
                window: 2m
            """,
        file: "rules.yml"
    ).rules

    static func configuration() -> AlertingConfiguration {
        AlertingConfiguration(
            rules: rules,
            evaluationInterval: .seconds(10),
            externalURL: "http://vitals.test",
            route: Route(
                receiver: "ops",
                groupBy: ["alertname", "agent_id"],
                groupWaitMilliseconds: 0,
                groupIntervalMilliseconds: 60_000
            )
        )
    }

    static func tasks(agent: String, failed: Int, of count: Int, at time: Timestamp) -> [Record] {
        (0..<count).map { index in
            .event(
                Event(
                    name: "task",
                    start: time.adding(milliseconds: Double(index)),
                    durationMilliseconds: 10,
                    status: index < failed ? .error : .ok,
                    labels: ["agent_id": agent]
                )
            )
        }
    }

    @Test("violating data fires after `for`, notifies once, survives a restart, resolves")
    func endToEnd() async throws {
        let directory = NSTemporaryDirectory() + "vitals-alerting-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await SQLiteStore.open(path: directory + "/vitals.db")
        let clock = Clock(Timestamp.now())
        let sink = Collector()
        var service = AlertingService(
            configuration: Self.configuration(),
            store: store,
            state: store,
            sink: sink,
            now: { clock.now }
        )

        _ = try await store.ingest(
            Self.tasks(agent: "a1", failed: 3, of: 10, at: clock.now.adding(milliseconds: -1_000))
        )
        _ = try await store.ingest(
            Self.tasks(agent: "a2", failed: 0, of: 10, at: clock.now.adding(milliseconds: -1_000))
        )
        await service.tick()
        var alerts = try await service.alerts()
        #expect(alerts.map(\.alert.state) == [.pending])
        #expect(alerts.first?.alert.group == ["agent_id": "a1"])
        #expect(sink.all.isEmpty, "pending alerts send nothing")

        clock.advance(seconds: 60)
        await service.tick()
        alerts = try await service.alerts()
        #expect(alerts.map(\.alert.state) == [.firing])
        #expect(sink.all.count == 1)
        let first = try #require(sink.all.first)
        #expect(first.receiver == "ops")
        #expect(first.status == .firing)
        #expect(first.groupLabels == ["alertname": "agent-errors", "agent_id": "a1"])
        #expect(first.alerts.first?.annotations["recommendation"] == "Look at the agent's recent failures.")
        #expect(first.alerts.first?.annotations["value"] == "30%")

        // A restart: a new service on the same database restores the firing alert and sends nothing new.
        clock.advance(seconds: 10)
        service = AlertingService(
            configuration: Self.configuration(),
            store: store,
            state: store,
            sink: sink,
            now: { clock.now }
        )
        try await store.releaseLease(name: "alerting", holder: "")  // the old instance never released it: expire it
        clock.advance(seconds: 30)
        await service.tick()
        #expect(try await service.alerts().map(\.alert.state) == [.firing])
        #expect(try await service.alerts().first?.alert.activeSince == first.alerts.first?.startsAt)
        #expect(sink.all.count == 1, "already notified: not again after the restart")

        // The data leaves the window: the alert resolves and is told resolved once.
        clock.advance(seconds: 300)
        await service.tick()
        #expect(try await service.alerts().map(\.alert.state) == [.resolved])
        #expect(sink.all.count == 2)
        #expect(sink.all.last?.status == .resolved)
        clock.advance(seconds: 120)
        await service.tick()
        #expect(sink.all.count == 2)
        try await store.close()
    }

    @Test("a restart while pending keeps the pending start")
    func restartWhilePending() async throws {
        let state = InMemoryStateStore()
        let directory = NSTemporaryDirectory() + "vitals-alerting-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await SQLiteStore.open(path: directory + "/vitals.db")
        let clock = Clock(Timestamp.now())
        let sink = Collector()
        _ = try await store.ingest(
            Self.tasks(agent: "a1", failed: 6, of: 10, at: clock.now.adding(milliseconds: -1_000))
        )
        let first = AlertingService(
            configuration: Self.configuration(),
            store: store,
            state: state,
            sink: sink,
            now: { clock.now }
        )
        await first.tick()
        let started = try #require(try await first.alerts().first?.alert.activeSince)
        await state.releaseLease(name: "alerting", holder: first.instance)
        clock.advance(seconds: 30)
        let second = AlertingService(
            configuration: Self.configuration(),
            store: store,
            state: state,
            sink: sink,
            now: { clock.now }
        )
        await second.tick()
        #expect(try await second.alerts().first?.alert.state == .pending, "30 s < for: 1m")
        #expect(try await second.alerts().first?.alert.activeSince == started)
        clock.advance(seconds: 30)
        await second.tick()
        #expect(try await second.alerts().first?.alert.state == .firing, "fires one minute after the first start")
        #expect(sink.all.count == 1)
        #expect(sink.all.first?.alerts.first?.severity == "critical")
        try await store.close()
    }

    @Test("readings of held conditions are written 1,000 per evaluation, stalest first; changes of state at once")
    func readingCheckpoints() async throws {
        let directory = NSTemporaryDirectory() + "vitals-alerting-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await SQLiteStore.open(
            path: directory + "/vitals.db",
            configuration: StoreConfiguration(seriesLimitPerName: 10_000)
        )
        let clock = Clock(Timestamp.now())
        let service = AlertingService(
            configuration: Self.configuration(),
            store: store,
            state: store,
            sink: Collector(),
            now: { clock.now }
        )
        /// How many stored alerts have each last violation, and their states.
        func stored() async throws -> (readings: [Timestamp: Int], states: Set<AlertState>) {
            let alerts = try await store.loadState(kind: "alert").map {
                try JSONDecoder().decode(Alert.self, from: Data($0.body))
            }
            return (Dictionary(alerts.map { ($0.lastViolation, 1) }, uniquingKeysWith: +), Set(alerts.map(\.state)))
        }
        let agents = 1_500
        for agent in 0..<agents {
            _ = try await store.ingest(
                Self.tasks(agent: "a\(agent)", failed: 3, of: 4, at: clock.now.adding(milliseconds: -1_000))
            )
        }
        let first = clock.now
        await service.tick()
        #expect(try await stored().readings == [first: agents], "new alerts: all written")
        clock.advance(seconds: 10)
        let second = clock.now
        await service.tick()
        #expect(try await service.alerts().allSatisfy { $0.alert.lastViolation == second }, "in memory: all current")
        #expect(try await stored().readings == [first: 500, second: 1_000], "in the store: 1,000 newer readings")
        clock.advance(seconds: 10)
        let third = clock.now
        await service.tick()
        #expect(try await stored().readings == [second: 500, third: 1_000], "the 500 stalest went first")
        clock.advance(seconds: 40)
        await service.tick()
        let firing = try await stored()
        #expect(firing.states == [.firing], "a change of state is written at once, for every alert")
        #expect(firing.readings == [clock.now: agents])
        try await store.close()
    }

    @Test("one server evaluates; another takes over when its lease lapses; silences and acks from any server")
    func oneEvaluator() async throws {
        let state = InMemoryStateStore()
        let directory = NSTemporaryDirectory() + "vitals-alerting-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await SQLiteStore.open(path: directory + "/vitals.db")
        let clock = Clock(Timestamp.now())
        let sink = Collector()
        _ = try await store.ingest(
            Self.tasks(agent: "a1", failed: 6, of: 10, at: clock.now.adding(milliseconds: -1_000))
        )
        _ = try await store.ingest([
            .sample(Sample(name: "queue_depth", value: 500, timestamp: clock.now.adding(milliseconds: -500)))
        ])
        let leader = AlertingService(
            configuration: Self.configuration(),
            store: store,
            state: state,
            sink: sink,
            now: { clock.now }
        )
        let follower = AlertingService(
            configuration: Self.configuration(),
            store: store,
            state: state,
            sink: sink,
            now: { clock.now }
        )
        await leader.tick()
        await follower.tick()
        #expect(await leader.metrics().leader)
        #expect(await !follower.metrics().leader)
        #expect(sink.all.count == 1, "queue fires at once, agent-errors is pending; only the leader sends")

        // A silence made on the follower mutes the agent alert on the leader.
        let silence = try await follower.addSilence(
            Silence(
                id: "",
                matchers: [SilenceMatcher(name: "alertname", value: "agent-errors")],
                startsAt: clock.now,
                endsAt: clock.now.adding(milliseconds: 3_600_000),
                createdBy: "ann",
                comment: "deploying"
            )
        )
        clock.advance(seconds: 61)
        await leader.tick()
        #expect(sink.all.count == 1, "agent-errors fires but is silenced")
        #expect(
            try await follower.alerts().first { $0.alert.rule == "agent-errors" }?.muted == "silenced by \(silence.id)"
        )
        #expect(try await follower.removeSilence(silence.id))
        #expect(try await !follower.removeSilence(silence.id))

        // The leader stops (no more renewals); the follower takes over once the lease lapses (1.5 intervals).
        clock.advance(seconds: 16)
        await follower.tick()
        #expect(await follower.metrics().leader)
        #expect(sink.all.count == 2, "the unsilenced alert is told by the new leader, once")
        await follower.tick()
        await leader.tick()
        #expect(await !leader.metrics().leader)
        #expect(sink.all.count == 2)

        // An acknowledgement made anywhere stops repeats.
        let fingerprint = Alert.fingerprint(rule: "agent-errors", group: ["agent_id": "a1"])
        _ = try await leader.acknowledge(fingerprint, author: "ann", comment: "on it", expires: nil)
        await follower.tick()
        #expect(
            try await follower.alerts().first { $0.alert.fingerprint == fingerprint }?.alert.acknowledgement?.author
                == "ann"
        )
        await #expect(throws: AlertingError.self) {
            try await leader.acknowledge("0000000000000000", author: "x", comment: "", expires: nil)
        }
        try await store.close()
    }
}
