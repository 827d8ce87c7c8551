import Foundation
import Testing
import Vitals
import VitalsAlerting

/// Each receiver's message stays within its service's limits, whatever the notification holds.
@Suite("Rendering limits", .timeLimit(.minutes(1)))
struct RenderingLimitsTests {
    static let long = String(repeating: "x", count: 5_000)

    /// 300 alerts with long annotations and 400 held-back lines.
    static func huge(receiver: String) -> AlertNotification {
        let alerts = (0..<300).map { index in
            Fixtures.alert(
                "rule_\(index)",
                severity: index.isMultiple(of: 2) ? "high" : "warn",
                group: ["agent_id": "agent-\(index)", "padding": long],
                annotations: ["summary": long, "recommendation": long, "value": "1", "threshold": "0"]
            )
        }
        var notification = Fixtures.notification(receiver: receiver, alerts: alerts)
        notification.heldBack = (0..<400).map { "[FIRING:1] flapping_rule_\($0) (agent_id=agent-\($0))" }
        return notification
    }

    func json(_ request: OutboundRequest?) throws -> [String: Any] {
        let body = try #require(request?.body)
        return try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
    }

    @Test("slack: at most 50 blocks, sections of at most 3,000 characters, the rest counted")
    func slackLimits() throws {
        let receiver = ReceiverConfiguration(name: "ops", kind: .slack(url: "https://hooks.slack.com/services/x"))
        let message = try json(receiver.request(for: Self.huge(receiver: "ops")))
        let top = try #require(message["blocks"] as? [[String: Any]])
        let attachment = try #require((message["attachments"] as? [[String: Any]])?.first)
        let blocks = try #require(attachment["blocks"] as? [[String: Any]])
        #expect(top.count + blocks.count <= 50)
        let header = try #require((top.first?["text"] as? [String: Any])?["text"] as? String)
        #expect(header.count <= 150)
        let texts = ReceiverPayloadTests.texts(attachment)
        #expect(texts.allSatisfy { $0.count <= 3_000 })
        #expect((message["text"] as? String)?.count ?? .max <= 3_000)

        let shown = texts.filter { $0.hasPrefix("*FIRING*") }.count
        #expect(shown >= 1)
        #expect(texts.contains("…and \(300 - shown) more alerts"))
        let heldBack = try #require(texts.first { $0.contains("400 notifications held back by the hourly cap") })
        #expect(heldBack.contains("• [FIRING:1] flapping_rule_0 (agent_id=agent-0)"))
        #expect(heldBack.contains("more"))
        #expect(texts.reduce(0) { $0 + $1.count } < 40_000)
    }

    @Test("telegram: at most 4,096 characters, whole alerts left out and counted")
    func telegramLimits() throws {
        let receiver = ReceiverConfiguration(name: "bot", kind: .telegram(botToken: "1:a", chatID: "2"))
        let message = try json(receiver.request(for: Self.huge(receiver: "bot")))
        let text = try #require(message["text"] as? String)
        #expect(text.utf16.count <= 4_096)
        #expect(text.contains("more alerts"))
        #expect(text.contains("400 notifications held back by the hourly cap"))
        // Tags stay balanced: no alert was cut in the middle.
        #expect(text.components(separatedBy: "<b>").count == text.components(separatedBy: "</b>").count)
        #expect(text.components(separatedBy: "<a ").count == text.components(separatedBy: "</a>").count)
    }

    @Test("slack: label values cannot inject links or mentions")
    func slackEscaping() throws {
        let alert = Fixtures.alert(group: ["agent_id": "<!channel> & <http://evil|x>"])
        let receiver = ReceiverConfiguration(name: "ops", kind: .slack(url: "https://hooks.slack.com/services/x"))
        let message = try json(receiver.request(for: Fixtures.notification(receiver: "ops", alerts: [alert])))
        let attachment = try #require((message["attachments"] as? [[String: Any]])?.first)
        let section = try #require(ReceiverPayloadTests.texts(attachment).first)
        #expect(section.contains("&lt;!channel&gt; &amp; &lt;http://evil|x&gt;"))
        #expect(!section.contains("<!channel>"))
    }

    @Test("every receiver lists the held-back lines")
    func heldBackEverywhere() throws {
        var notification = Fixtures.notification(receiver: "r")
        notification.heldBack = ["[FIRING:1] queue_depth (agent_id=a)", "[RESOLVED] queue_depth (agent_id=a)"]
        let kinds: [ReceiverConfiguration.Kind] = [
            .slack(url: "https://hooks.slack.com/services/x"),
            .telegram(botToken: "1:a", chatID: "2"),
            .webhook(url: "http://127.0.0.1:1/hook"),
        ]
        for kind in kinds {
            let request = try #require(ReceiverConfiguration(name: "r", kind: kind).request(for: notification))
            let body = String(decoding: request.body, as: UTF8.self)
            #expect(body.contains("2 notifications held back by the hourly cap"), "\(kind)")
            #expect(body.contains("[RESOLVED] queue_depth (agent_id=a)"), "\(kind)")
        }
        #expect(ReceiverConfiguration(name: "r", kind: .log).request(for: notification) == nil)
    }

    @Test("webhook times: whole seconds without a fraction, a fraction without trailing zeros, like Go")
    func webhookTimes() throws {
        let whole = Timestamp(rfc3339: "2025-12-15T04:08:08Z")!
        let fraction = Timestamp(rfc3339: "2025-12-15T04:08:08.120Z")!
        var alert = Fixtures.alert(status: .resolved)
        alert.startsAt = whole
        alert.endsAt = fraction
        let receiver = ReceiverConfiguration(name: "hook", kind: .webhook(url: "http://127.0.0.1:1/hook"))
        let payload = try json(receiver.request(for: Fixtures.notification(alerts: [alert])))
        let encoded = try #require((payload["alerts"] as? [[String: Any]])?.first)
        #expect(encoded["startsAt"] as? String == "2025-12-15T04:08:08Z")
        #expect(encoded["endsAt"] as? String == "2025-12-15T04:08:08.12Z")
        #expect(payload["status"] as? String == "resolved")
    }
}
