import Foundation
import Logging
import ServiceLifecycle
import Testing
import Vitals
import VitalsAlerting
import VitalsHTTPClient
import VitalsHTTPTestSupport
import VitalsStore
import VitalsTestSupport

/// The outbox, retries, circuit breaker, hourly cap and restarts, against real HTTP receivers on 127.0.0.1.
@Suite("Notification delivery", .timeLimit(.minutes(1)))
struct DeliveryTests {
    func webhook(_ port: Int, name: String = "hook", cap: Int? = 10) -> ReceiverConfiguration {
        ReceiverConfiguration(
            name: name,
            kind: .webhook(url: "http://127.0.0.1:\(port)/hook"),
            maximumNotificationsPerHour: cap
        )
    }

    func delivery(
        _ receivers: [ReceiverConfiguration],
        store: any StateStore = InMemoryStateStore(),
        configuration: DeliveryConfiguration = Fixtures.fastDelivery,
        logs: LogCapture = LogCapture()
    ) throws -> NotificationDelivery {
        try NotificationDelivery(
            receivers: receivers,
            store: store,
            transport: AsyncHTTPNotificationTransport(),
            configuration: configuration,
            logger: logs.logger()
        )
    }

    @Test("a receiver answering 500 several times, then 200, gets the notification exactly once")
    func downThenBack() async throws {
        let server = HTTPReceiver(script: Array(repeating: .status(500, body: "boom"), count: 4))
        let store = InMemoryStateStore()
        try await server.serve { port in
            let delivery = try delivery([webhook(port)], store: store)
            try await whileRunning(delivery) {
                try await delivery.enqueue([Fixtures.notification()])
                try await eventually("delivered") { delivery.statistics(of: "hook")?.sent == 1 }
                // Nothing more comes once it is delivered.
                try await Task.sleep(for: .milliseconds(100))
            }
            let statistics = try #require(delivery.statistics(of: "hook"))
            #expect(statistics.failedAttempts == 4)
            #expect(statistics.pending == 0)
            #expect(statistics.breaker == .closed)
        }
        #expect(server.requests.map(\.status) == [500, 500, 500, 500, 200])
        #expect(Set(server.requests.compactMap(\.notificationID)) == [Fixtures.notification().id])
        #expect(await store.loadState(kind: "outbox").isEmpty)
        #expect(await store.loadState(kind: "sent").map(\.key) == [Fixtures.notification().id])
    }

    @Test("a closed port fails until a receiver listens there, then the notification arrives once")
    func closedPortThenListening() async throws {
        // A port that was free a moment ago: nothing listens there now.
        let port = try await HTTPReceiver().serve { $0 }
        // AsyncHTTPClient keeps trying to connect until the request's deadline: a short one makes attempts fail.
        var receiver = webhook(port)
        receiver.timeout = .milliseconds(300)
        let delivery = try delivery([receiver])
        let server = HTTPReceiver()
        try await whileRunning(delivery) {
            try await delivery.enqueue([Fixtures.notification()])
            try await eventually("two failed attempts") { (delivery.statistics(of: "hook")?.failedAttempts ?? 0) >= 2 }
            try await server.serve(port: port) { _ in
                try await eventually("delivered") { delivery.statistics(of: "hook")?.sent == 1 }
            }
        }
        // Delivered once. An attempt whose 300 ms deadline passed while the receiver was already listening (one
        // just as it started; on a loaded machine, several whose answers came too late) still reached it: at least
        // once, as documented, and every copy carries the same id to dedupe on.
        #expect(delivery.statistics(of: "hook")?.sent == 1)
        #expect(server.requests.count >= 1)
        #expect(Set(server.requests.compactMap(\.notificationID)) == [Fixtures.notification().id])
    }

    @Test("429 with Retry-After: the receiver gets nothing before the time it asked for")
    func retryAfterHonoured() async throws {
        let server = HTTPReceiver(script: [.status(429, body: "slow down", retryAfter: "1")])
        try await server.serve { port in
            let delivery = try delivery([webhook(port)])
            try await whileRunning(delivery) {
                // Two groups: the second must wait for the receiver's Retry-After too, not only the first.
                try await delivery.enqueue([
                    Fixtures.notification(1, group: "a"), Fixtures.notification(1, group: "b"),
                ])
                try await eventually("both delivered") { delivery.statistics(of: "hook")?.sent == 2 }
            }
        }
        let requests = server.requests
        #expect(requests.map(\.status) == [429, 200, 200])
        let asked = try #require(requests.first?.arrival)
        for later in requests.dropFirst() {
            // The backoff alone would come back within milliseconds.
            #expect(asked.duration(to: later.arrival) >= .milliseconds(950))
        }
    }

    @Test("Telegram's retry_after in a 429's body counts like Retry-After")
    func telegramRetryAfterInBody() async throws {
        let body = #"{"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":1}}"#
        let server = HTTPReceiver(script: [.status(429, body: body)])
        try await server.serve { port in
            let receiver = ReceiverConfiguration(
                name: "bot",
                kind: .telegram(botToken: "1:x", chatID: "2", apiURL: "http://127.0.0.1:\(port)")
            )
            let delivery = try delivery([receiver])
            try await whileRunning(delivery) {
                try await delivery.enqueue([Fixtures.notification(receiver: "bot")])
                try await eventually("delivered") { delivery.statistics(of: "bot")?.sent == 1 }
            }
        }
        let requests = server.requests
        #expect(requests.map(\.status) == [429, 200])
        #expect(requests[0].arrival.duration(to: requests[1].arrival) >= .milliseconds(950))
    }

    @Test("a 400 is final: dropped, counted and logged, never sent again", arguments: [400, 401, 404, 410])
    func permanentFailure(status: Int) async throws {
        let server = HTTPReceiver(script: [.status(status, body: "invalid_payload")])
        let logs = LogCapture()
        let store = InMemoryStateStore()
        try await server.serve { port in
            let delivery = try delivery([webhook(port)], store: store, logs: logs)
            try await whileRunning(delivery) {
                try await delivery.enqueue([Fixtures.notification()])
                try await eventually("dropped") { delivery.statistics(of: "hook")?.dropped == 1 }
                // The notification log remembers it: queued again, it is not sent again.
                try await delivery.enqueue([Fixtures.notification()])
                try await Task.sleep(for: .milliseconds(50))
            }
            let statistics = try #require(delivery.statistics(of: "hook"))
            #expect(statistics.sent == 0)
            #expect(statistics.failedAttempts == 0)
            #expect(statistics.pending == 0)
        }
        #expect(server.requests.count == 1)
        #expect(await store.loadState(kind: "outbox").isEmpty)
        let log = try #require(await store.loadState(kind: "sent").first)
        #expect(String(decoding: log.body, as: UTF8.self).contains(#""outcome":"dropped""#))
        let line = try #require(logs.lines.first { $0.level == .error })
        #expect(line.metadata["receiver"] == "hook")
        #expect(line.metadata["host"] == "127.0.0.1")
        #expect(line.metadata["reason"] == "answered \(status): invalid_payload")
    }

    @Test("408 and 503 are retried")
    func retriedStatuses() async throws {
        let server = HTTPReceiver(script: [.status(408), .status(503), .status(502)])
        try await server.serve { port in
            let delivery = try delivery([webhook(port)])
            try await whileRunning(delivery) {
                try await delivery.enqueue([Fixtures.notification()])
                try await eventually("delivered") { delivery.statistics(of: "hook")?.sent == 1 }
            }
            #expect(delivery.statistics(of: "hook")?.failedAttempts == 3)
        }
        #expect(server.requests.map(\.status) == [408, 503, 502, 200])
    }

    @Test("circuit breaker: open after 5 failures, one probe after the cooldown, closed on success")
    func circuitBreaker() async throws {
        let server = HTTPReceiver(fallback: .status(500))
        try await server.serve { port in
            var configuration = Fixtures.fastDelivery
            // Cooldowns of seconds, so that a loaded machine (CI) sees the breaker open before the probe goes.
            configuration.breakerCooldown = .seconds(2)
            configuration.breakerMaximumCooldown = .seconds(8)
            let delivery = try delivery([webhook(port)], configuration: configuration)
            try await whileRunning(delivery) {
                // Three groups, all due at once: an open breaker must hold every one of them back.
                try await delivery.enqueue((1...3).map { Fixtures.notification(1, group: "g\($0)") })
                try await eventually("breaker open") { delivery.statistics(of: "hook")?.breaker == .open }
                #expect(server.requests.count == 5)
                let opened = ContinuousClock.now

                // The probe: exactly one request after the cooldown, held in flight while the test looks.
                server.answer([.hold], fallback: .status(500))
                try await eventually("probe in flight") { server.heldCount == 1 }
                #expect(opened.duration(to: .now) >= .milliseconds(1_500))
                #expect(delivery.statistics(of: "hook")?.breaker == .halfOpen)
                try await Task.sleep(for: .milliseconds(30))
                #expect(server.heldCount == 1)
                #expect(server.requests.count == 5)

                // A failed probe opens it again, for longer; the next probe succeeds and closes it.
                server.answer([], fallback: .status(200))
                // The breaker opens again once the failed probe's answer is in, so after this instant: the next
                // probe cannot arrive within the doubled cooldown (4 s) of it, however late the test looks.
                let released = ContinuousClock.now
                server.release(with: .status(500))
                try await eventually("open again") {
                    server.requests.count == 6 && delivery.statistics(of: "hook")?.breaker == .open
                }
                try await eventually("all delivered") { delivery.statistics(of: "hook")?.sent == 3 }
                #expect(delivery.statistics(of: "hook")?.breaker == .closed)
                let probe = try #require(server.requests.first { $0.status == 200 })
                #expect(released.duration(to: probe.arrival) >= .milliseconds(3_500))
            }
            #expect(delivery.statistics(of: "hook")?.failedAttempts == 6)
        }
        #expect(server.requests.count == 9)
        #expect(Set(server.accepted.compactMap(\.notificationID)).count == 3)
    }

    @Test("hourly cap: over the cap is held back, and the next message an hour later lists it, across a restart")
    func hourlyCap() async throws {
        let server = HTTPReceiver()
        let clock = ManualClock()
        let store = InMemoryStateStore()
        let notifications = (1...5).map { Fixtures.notification(1, receiver: "ops", group: "g\($0)") }
        try await server.serve { port in
            let receiver = ReceiverConfiguration(
                name: "ops",
                kind: .slack(url: "http://127.0.0.1:\(port)/services/T/B/x"),
                maximumNotificationsPerHour: 3
            )
            func make() throws -> NotificationDelivery {
                try NotificationDelivery(
                    receivers: [receiver],
                    store: store,
                    transport: AsyncHTTPNotificationTransport(),
                    configuration: Fixtures.fastDelivery,
                    clock: clock,
                    now: { clock.wallTime },
                    logger: LogCapture().logger()
                )
            }
            let first = try make()
            try await whileRunning(first) {
                try await first.enqueue(notifications)
                try await eventually("three sent, two held back") {
                    let statistics = first.statistics(of: "ops")
                    return statistics?.sent == 3 && statistics?.heldBack == 2 && statistics?.pending == 0
                }
            }
            #expect(server.requests.count == 3)

            // A new process: the held-back titles come from the store.
            let second = try make()
            clock.advance(by: .seconds(3_601))
            try await whileRunning(second) {
                // Held back is done with: queued again, they are neither sent nor held back twice.
                try await second.enqueue(notifications)
                try await second.enqueue([Fixtures.notification(2, receiver: "ops", group: "g1")])
                try await eventually("sent after the hour") { second.statistics(of: "ops")?.sent == 1 }
                try await second.enqueue([Fixtures.notification(3, receiver: "ops", group: "g1")])
                try await eventually("sent again") { second.statistics(of: "ops")?.sent == 2 }
            }
            #expect(second.statistics(of: "ops")?.heldBack == 0)
        }
        let requests = server.requests
        #expect(requests.count == 5)
        let sentIDs = requests.prefix(3).compactMap(\.notificationID)
        let heldBack = notifications.filter { !sentIDs.contains($0.id) }
        #expect(heldBack.count == 2)
        for request in requests.prefix(3) {
            #expect(!String(decoding: request.body, as: UTF8.self).contains("held back"))
        }
        let attachment = try #require((try requests[3].json()["attachments"] as? [[String: Any]])?.first)
        let summary = try #require(ReceiverPayloadTests.texts(attachment).first { $0.contains("held back") })
        #expect(summary.contains("2 notifications held back by the hourly cap"))
        for notification in heldBack {
            #expect(summary.contains("• " + notification.title))
        }
        // Said once: the message after it has no summary.
        #expect(!String(decoding: requests[4].body, as: UTF8.self).contains("held back"))
    }

    @Test("restart: what was delivered is not sent again, what was pending is")
    func restart() async throws {
        let server = HTTPReceiver()
        let store = InMemoryStateStore()
        let delivered = Fixtures.notification(1, group: "a")
        let pending = Fixtures.notification(1, group: "b")
        try await server.serve { port in
            let first = try delivery([webhook(port)], store: store)
            try await whileRunning(first) {
                try await first.enqueue([delivered])
                try await eventually("delivered") { first.statistics(of: "hook")?.sent == 1 }
            }
            // Queued while nothing runs: it waits in the store.
            try await first.enqueue([pending])

            let second = try delivery([webhook(port)], store: store)
            try await whileRunning(second) {
                // The dispatcher may queue again what it is not sure went out.
                try await second.enqueue([delivered, pending])
                try await eventually("pending delivered") { second.statistics(of: "hook")?.sent == 1 }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(second.statistics(of: "hook")?.pending == 0)
        }
        #expect(server.requests.compactMap(\.notificationID) == [delivered.id, pending.id])
    }

    @Test("a crash between the receiver's answer and the outbox's delete does not send it again")
    func crashAfterDelivery() async throws {
        let server = HTTPReceiver()
        let store = InMemoryStateStore()
        let notification = Fixtures.notification()
        try await server.serve { port in
            // The first process stops before its outbox forgets the delivered notification.
            let first = try delivery([webhook(port)], store: ForgetfulStore(store))
            try await whileRunning(first) {
                try await first.enqueue([notification])
                try await eventually("delivered") { first.statistics(of: "hook")?.sent == 1 }
            }
            #expect(await store.loadState(kind: "outbox").map(\.key) == [notification.id])

            let second = try delivery([webhook(port)], store: store)
            try await whileRunning(second) {
                try await eventually("stale entry removed") { await store.loadState(kind: "outbox").isEmpty }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(second.statistics(of: "hook")?.sent == 0)
        }
        #expect(server.requests.count == 1)
    }

    @Test("a handler that throws is retried, then sees the notification once")
    func handlerRetried() async throws {
        let handler = FlakyHandler(failures: 2)
        let delivery = try NotificationDelivery(
            receivers: [ReceiverConfiguration(name: "callback", kind: .handler(handler))],
            store: InMemoryStateStore(),
            configuration: Fixtures.fastDelivery,
            logger: LogCapture().logger()
        )
        try await whileRunning(delivery) {
            try await delivery.enqueue([Fixtures.notification(receiver: "callback")])
            try await eventually("handled") { delivery.statistics(of: "callback")?.sent == 1 }
        }
        #expect(handler.calls == 3)
        #expect(delivery.statistics(of: "callback")?.failedAttempts == 2)
    }

    @Test("a notification still failing after the maximum age is given up and counted")
    func maximumAge() async throws {
        let server = HTTPReceiver(fallback: .status(500))
        try await server.serve { port in
            var configuration = Fixtures.fastDelivery
            configuration.maximumAge = .milliseconds(30)
            configuration.breakerFailureThreshold = 1_000
            let delivery = try delivery([webhook(port)], configuration: configuration)
            try await whileRunning(delivery) {
                try await delivery.enqueue([Fixtures.notification()])
                try await eventually("expired") { delivery.statistics(of: "hook")?.expired == 1 }
            }
            #expect(delivery.statistics(of: "hook")?.pending == 0)
            #expect(delivery.statistics(of: "hook")?.sent == 0)
        }
    }

    @Test("graceful shutdown ends the run; what is queued stays in the store")
    func gracefulShutdown() async throws {
        let store = InMemoryStateStore()
        let server = HTTPReceiver(fallback: .status(503))
        try await server.serve { port in
            var configuration = Fixtures.fastDelivery
            configuration.retryBaseDelay = .seconds(30)
            configuration.retryMaximumDelay = .seconds(30)
            let delivery = try delivery([webhook(port)], store: store, configuration: configuration)
            let group = ServiceGroup(services: [delivery], gracefulShutdownSignals: [], logger: Logger(label: "test"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await delivery.enqueue([Fixtures.notification()])
                try await eventually("a failure") { (delivery.statistics(of: "hook")?.failedAttempts ?? 0) >= 1 }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
        #expect(await store.loadState(kind: "outbox").count == 1)
    }

    @Test("queueing is all or none: an unknown receiver queues nothing")
    func unknownReceiver() async throws {
        let store = InMemoryStateStore()
        let delivery = try NotificationDelivery(
            receivers: [ReceiverConfiguration(name: "audit", kind: .log)],
            store: store,
            logger: LogCapture().logger()
        )
        let error = await #expect(throws: NotificationDeliveryError.self) {
            try await delivery.enqueue([
                Fixtures.notification(receiver: "audit"), Fixtures.notification(receiver: "ops"),
            ])
        }
        #expect(error?.code == .unknownReceiver)
        #expect(error?.message.contains("'ops'") == true)
        #expect(await store.loadState(kind: "outbox").isEmpty)
    }
}

/// A store whose outbox deletes are lost, as if the process died right after recording a delivery.
struct ForgetfulStore: StateStore {
    let base: InMemoryStateStore

    init(_ base: InMemoryStateStore) { self.base = base }

    func putState(_ entries: [StateEntry]) async throws { await base.putState(entries) }
    func deleteState(kind: String, keys: [String]) async throws {
        if kind != "outbox" { await base.deleteState(kind: kind, keys: keys) }
    }
    func loadState(kind: String) async throws -> [StateEntry] { await base.loadState(kind: kind) }
    func acquireLease(name: String, holder: String, expires: Timestamp, now: Timestamp) async throws -> Bool {
        await base.acquireLease(name: name, holder: holder, expires: expires, now: now)
    }
    func releaseLease(name: String, holder: String) async throws { await base.releaseLease(name: name, holder: holder) }
}

/// A handler that fails a number of times before it succeeds.
final class FlakyHandler: NotificationHandler {
    struct Failure: Error {}
    private let state: LockedValue<(failures: Int, calls: Int)>

    init(failures: Int) { state = LockedValue((failures, 0)) }

    var calls: Int { state.withLock { $0.calls } }

    func handle(_ notification: AlertNotification) async throws {
        let fail = state.withLock { state -> Bool in
            state.calls += 1
            guard state.failures > 0 else { return false }
            state.failures -= 1
            return true
        }
        if fail { throw Failure() }
    }
}
