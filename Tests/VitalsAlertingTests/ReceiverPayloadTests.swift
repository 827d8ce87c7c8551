import Foundation
import Logging
import Testing
import Vitals
import VitalsAlerting
import VitalsHTTPClient
import VitalsHTTPTestSupport
import VitalsStore
import VitalsTestSupport

/// What Slack, Telegram and a webhook receive, over real HTTP on 127.0.0.1.
@Suite("Receiver payloads over HTTP", .timeLimit(.minutes(1)))
struct ReceiverPayloadTests {
    /// Delivers `notifications` one after the other to `receiver`, served by `server`, and returns what it got.
    func deliver(
        _ notifications: [AlertNotification],
        to makeReceiver: (Int) -> ReceiverConfiguration,
        server: HTTPReceiver = HTTPReceiver()
    ) async throws -> [HTTPReceiver.Received] {
        try await server.serve { port in
            let receiver = makeReceiver(port)
            let delivery = try NotificationDelivery(
                receivers: [receiver],
                store: InMemoryStateStore(),
                transport: AsyncHTTPNotificationTransport(),
                configuration: Fixtures.fastDelivery,
                logger: LogCapture().logger()
            )
            try await whileRunning(delivery) {
                for (index, notification) in notifications.enumerated() {
                    try await delivery.enqueue([notification])
                    try await eventually("notification \(index + 1) delivered") {
                        delivery.statistics(of: receiver.name)?.sent == index + 1
                    }
                }
            }
            return server.accepted
        }
    }

    @Test("webhook: exactly Alertmanager's version 4 payload, with the configured headers")
    func alertmanagerPayload() async throws {
        let firing = Fixtures.alert("high_latency", group: ["agent_id": "planner"], fingerprint: "fp1")
        let resolved = Fixtures.alert("high_latency", group: ["agent_id": "planner"], status: .resolved)
        var notification = Fixtures.notification(alerts: [firing, resolved])
        notification.groupLabels = ["alertname": "high_latency"]
        let received = try await deliver([notification]) { port in
            ReceiverConfiguration(
                name: "hook",
                kind: .webhook(url: "http://127.0.0.1:\(port)/alerts/hook", headers: ["X-Key": "k-123"])
            )
        }
        let request = try #require(received.first)
        #expect(request.path == "/alerts/hook")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["x-key"] == "k-123")
        #expect(request.notificationID == notification.id)

        let payload = try request.json()
        #expect(
            Set(payload.keys)
                == [
                    "version", "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels", "commonLabels",
                    "commonAnnotations", "externalURL", "alerts",
                ]
        )
        #expect(payload["version"] as? String == "4")
        #expect(payload["groupKey"] as? String == notification.groupKey)
        #expect(payload["truncatedAlerts"] as? Int == 0)
        #expect(payload["status"] as? String == "firing")
        #expect(payload["receiver"] as? String == "hook")
        #expect(payload["groupLabels"] as? [String: String] == ["alertname": "high_latency"])
        #expect(
            payload["commonLabels"] as? [String: String]
                == ["alertname": "high_latency", "severity": "critical", "agent_id": "planner"]
        )
        #expect((payload["commonAnnotations"] as? [String: String])?["threshold"] == "10")
        #expect(payload["externalURL"] as? String == Fixtures.externalURL)

        let alerts = try #require(payload["alerts"] as? [[String: Any]])
        #expect(alerts.count == 2)
        for alert in alerts {
            #expect(
                Set(alert.keys)
                    == ["status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"]
            )
        }
        #expect(alerts[0]["status"] as? String == "firing")
        #expect(alerts[0]["fingerprint"] as? String == "fp1")
        #expect(alerts[0]["startsAt"] as? String == "2025-12-15T04:08:08.123456Z")
        #expect(alerts[0]["endsAt"] as? String == "0001-01-01T00:00:00Z")
        #expect(alerts[0]["generatorURL"] as? String == "http://vitals.test:8080/alerts?fingerprint=fp1")
        #expect((alerts[0]["labels"] as? [String: String])?["alertname"] == "high_latency")
        #expect((alerts[0]["annotations"] as? [String: String])?["recommendation"] != nil)
        #expect(alerts[1]["status"] as? String == "resolved")
        let endsAt = try #require(alerts[1]["endsAt"] as? String)
        #expect(Timestamp(rfc3339: endsAt) == Fixtures.start.adding(milliseconds: 300_000))
    }

    @Test("webhook: max_alerts keeps the first alerts and counts the rest in truncatedAlerts")
    func truncatedAlerts() async throws {
        let alerts = (1...5).map { Fixtures.alert(group: ["agent_id": "a\($0)"]) }
        let received = try await deliver([Fixtures.notification(alerts: alerts)]) { port in
            ReceiverConfiguration(name: "hook", kind: .webhook(url: "http://127.0.0.1:\(port)/", maximumAlerts: 2))
        }
        let payload = try #require(try received.first?.json())
        #expect((payload["alerts"] as? [Any])?.count == 2)
        #expect(payload["truncatedAlerts"] as? Int == 3)
    }

    @Test("slack: Block Kit with title, severity colour, rule, group, value against threshold, recommendation, link")
    func slackFiringThenResolved() async throws {
        let firing = Fixtures.notification(1, receiver: "ops")
        let resolved = Fixtures.notification(
            2,
            receiver: "ops",
            alerts: [Fixtures.alert(group: ["agent_id": "planner"], status: .resolved)]
        )
        let received = try await deliver([firing, resolved]) { port in
            ReceiverConfiguration(name: "ops", kind: .slack(url: "http://127.0.0.1:\(port)/services/T0/B0/secret"))
        }
        #expect(received.count == 2)
        #expect(received.allSatisfy { $0.path == "/services/T0/B0/secret" })

        let first = try received[0].json()
        #expect((first["text"] as? String)?.contains("[FIRING:1] high_latency (agent_id=planner)") == true)
        let header = try #require((first["blocks"] as? [[String: Any]])?.first)
        #expect(header["type"] as? String == "header")
        #expect(((header["text"] as? [String: Any])?["text"] as? String)?.contains("FIRING") == true)
        let attachment = try #require((first["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["color"] as? String == "#D0021B")
        let sections = Self.texts(attachment)
        let alert = try #require(sections.first)
        #expect(alert.contains("*high_latency*"))
        #expect(alert.contains("`critical`"))
        #expect(alert.contains("agent_id=planner"))
        #expect(alert.contains("12.5 against threshold 10"))
        #expect(alert.contains("Check the model provider's status page"))
        #expect(
            alert.contains("<http://vitals.test:8080/alerts?fingerprint=fp-high_latency-agent_id%3Dplanner|dashboard>")
        )
        #expect(sections.contains { $0.contains("http://vitals.test:8080/alerts|") })

        let second = try received[1].json()
        #expect((second["text"] as? String)?.contains("[RESOLVED] high_latency") == true)
        let resolvedAttachment = try #require((second["attachments"] as? [[String: Any]])?.first)
        #expect(resolvedAttachment["color"] as? String == "#2EB67D")
        #expect(Self.texts(resolvedAttachment).first?.contains("*RESOLVED*") == true)
    }

    @Test(
        "slack: the colour bar follows the most urgent firing severity",
        arguments: [("critical", "#D0021B"), ("high", "#F5740F"), ("medium", "#F2C230"), ("warn", "#439FE0")]
    )
    func slackColours(severity: String, colour: String) async throws {
        let notification = Fixtures.notification(
            receiver: "ops",
            alerts: [Fixtures.alert(severity: "warn"), Fixtures.alert("errors", severity: severity)]
        )
        let received = try await deliver([notification]) { port in
            ReceiverConfiguration(name: "ops", kind: .slack(url: "http://127.0.0.1:\(port)/hook"))
        }
        let attachment = try #require((try received.first?.json()["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["color"] as? String == colour)
    }

    @Test("telegram: sendMessage under the bot's path, HTML with the alert's text escaped")
    func telegram() async throws {
        let alert = Fixtures.alert(group: ["agent_id": "<script>&"])
        let notification = Fixtures.notification(receiver: "bot", group: "<script>&", alerts: [alert])
        let received = try await deliver([notification]) { port in
            ReceiverConfiguration(
                name: "bot",
                kind: .telegram(botToken: "123456:ABC-def", chatID: "-100987", apiURL: "http://127.0.0.1:\(port)/")
            )
        }
        let request = try #require(received.first)
        #expect(request.path == "/bot123456:ABC-def/sendMessage")
        let message = try request.json()
        #expect(message["chat_id"] as? String == "-100987")
        #expect(message["parse_mode"] as? String == "HTML")
        #expect(message["disable_web_page_preview"] as? Bool == true)
        let text = try #require(message["text"] as? String)
        #expect(text.hasPrefix("<b>🔥 [FIRING:1] high_latency (agent_id=&lt;script&gt;&amp;)</b>"))
        #expect(!text.contains("<script>"))
        #expect(text.contains("Value: 12.5 against threshold 10"))
        #expect(text.contains("<a href=\"http://vitals.test:8080/alerts?fingerprint="))
        #expect(text.utf16.count <= 4_096)
    }

    @Test("handler and log receivers get the same notifications, in process")
    func handlerAndLog() async throws {
        let handled = Handled()
        let logs = LogCapture()
        let delivery = try NotificationDelivery(
            receivers: [
                ReceiverConfiguration(name: "callback", kind: .handler(handled)),
                ReceiverConfiguration(name: "audit", kind: .log),
            ],
            store: InMemoryStateStore(),
            configuration: Fixtures.fastDelivery,
            logger: logs.logger()
        )
        try await whileRunning(delivery) {
            try await delivery.enqueue([
                Fixtures.notification(receiver: "callback"), Fixtures.notification(receiver: "audit"),
            ])
            try await eventually("both delivered") {
                delivery.statistics().allSatisfy { $0.sent == 1 }
            }
        }
        #expect(handled.notifications.map(\.receiver) == ["callback"])
        let line = try #require(logs.lines.first { $0.metadata["receiver"] == "audit" && $0.level == .warning })
        #expect(line.message == "[FIRING:1] high_latency (agent_id=planner)")
        #expect(line.metadata["severity"] == "critical")
        #expect(line.metadata["group_key"] == "{}:{agent_id=\"planner\"}")
    }

    static func texts(_ attachment: [String: Any]) -> [String] {
        (attachment["blocks"] as? [[String: Any]] ?? []).compactMap { block in
            if let text = block["text"] as? [String: Any] { return text["text"] as? String }
            return (block["elements"] as? [[String: Any]])?.compactMap { $0["text"] as? String }.joined()
        }
    }
}

/// A handler keeping what it was given.
final class Handled: NotificationHandler {
    private let storage = LockedValue([AlertNotification]())
    var notifications: [AlertNotification] { storage.withLock { $0 } }

    func handle(_ notification: AlertNotification) async throws {
        storage.withLock { $0.append(notification) }
    }
}
