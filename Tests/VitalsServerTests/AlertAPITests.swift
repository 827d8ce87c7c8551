import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Vitals
import VitalsAlerting

@testable import VitalsServer

/// The alert, silence and rule routes over a real store and the real alerting service.
@Suite("Alert API", .timeLimit(.minutes(1)))
struct AlertAPITests {
    static let rules = """
        rules:
          - name: agent-errors
            description: Tasks failing
            match: {event: task}
            by: agent_id
            metric: error_rate
            thresholds: {warn: "> 10%", critical: "> 50%"}
            recommendation: Read the failures.
        """

    static func failing(agent: String, failed: Int) -> String {
        (0..<10).map { index in
            "{\"event\":\"task\",\"ts\":\"\(Recent.time(seconds: 590 - Double(index)))\",\"duration_ms\":5,"
                + "\"status\":\"\(index < failed ? "error" : "ok")\",\"agent_id\":\"\(agent)\"}"
        }.joined(separator: "\n")
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    @Test(
        "firing alerts are listed and filtered; acknowledgements and silences round-trip; rules show their evaluation"
    )
    func lifecycle() async throws {
        let fixture = try await ServerFixture(alertingRules: Self.rules)
        let alerting = try #require(fixture.alerting)
        try await fixture.test { client in
            #expect(try await client.post("/v1/events", Self.failing(agent: "a1", failed: 6)).status == .ok)
            #expect(try await client.post("/v1/events", Self.failing(agent: "a2", failed: 2)).status == .ok)
            await alerting.tick()

            let all = try Self.json(try await client.get("/v1/alerts"))["alerts"] as? [[String: Any]] ?? []
            #expect(all.count == 2)
            let critical =
                try Self.json(try await client.get("/v1/alerts?severity=critical"))["alerts"] as? [[String: Any]] ?? []
            #expect(critical.map { $0["group"] as? [String: String] } == [["agent_id": "a1"]])
            #expect(critical.first?["state"] as? String == "firing")
            #expect(critical.first?["value_text"] as? String == "60%")
            #expect(critical.first?["threshold"] as? String == "> 50%")
            #expect(critical.first?["recommendation"] as? String == "Read the failures.")
            let byLabel =
                try Self.json(try await client.get("/v1/alerts?agent_id=a2&state=firing"))["alerts"] as? [[String: Any]]
            #expect(byLabel?.count == 1)

            let fingerprint = try #require(critical.first?["fingerprint"] as? String)
            let ack = try await client.post(
                "/v1/alerts/\(fingerprint)/ack",
                "{\"author\":\"ann\",\"comment\":\"on it\",\"expires\":\"2h\"}"
            )
            #expect(ack.status == .ok)
            #expect(try Self.json(ack)["expires"] is String)
            let acknowledged =
                try Self.json(try await client.get("/v1/alerts?agent_id=a1"))["alerts"] as? [[String: Any]]
            #expect((acknowledged?.first?["acknowledgement"] as? [String: Any])?["author"] as? String == "ann")
            #expect(
                try await client.post("/v1/alerts/\(fingerprint)/ack", "{\"expires\":\"whenever\"}").status
                    == .badRequest
            )

            let created = try await client.post(
                "/v1/silences",
                "{\"matchers\":[\"agent_id=~a[0-9]\", {\"name\":\"severity\",\"value\":\"warn\"}],\"duration\":\"30m\",\"createdBy\":\"bob\",\"comment\":\"deploy\"}"
            )
            #expect(created.status == .created)
            let id = try #require(try Self.json(created)["id"] as? String)
            let muted = try Self.json(try await client.get("/v1/alerts?agent_id=a2"))["alerts"] as? [[String: Any]]
            #expect(muted?.first?["muted"] as? String == "silenced by \(id)")
            let silences = try Self.json(try await client.get("/v1/silences"))["silences"] as? [[String: Any]]
            #expect(silences?.first?["active"] as? Bool == true)
            #expect((silences?.first?["matchers"] as? [[String: Any]])?.count == 2)
            #expect(try await client.execute(uri: "/v1/silences/\(id)", method: .delete).status == .ok)
            #expect(try await client.execute(uri: "/v1/silences/\(id)", method: .delete).status == .notFound)
            #expect(
                try await client.post("/v1/silences", "{\"matchers\":[\"a=~(\"],\"duration\":\"1h\"}").status
                    == .badRequest
            )
            #expect(try await client.post("/v1/silences", "{\"matchers\":[\"a=b\"]}").status == .badRequest, "no end")

            let rules = try Self.json(try await client.get("/v1/rules"))
            #expect(rules["evaluating"] as? Bool == true)
            let rule = (rules["rules"] as? [[String: Any]])?.first
            #expect(rule?["name"] as? String == "agent-errors")
            #expect(rule?["last_evaluation"] is String)
            #expect((rule?["alerts"] as? [String: Any])?["firing"] as? Int == 2)

            let metrics = String(buffer: try await client.get("/metrics").body)
            #expect(metrics.contains("vitals_alerts{state=\"firing\"} 2"))
            #expect(metrics.contains("vitals_alerting_leader 1"))
            #expect(metrics.contains("vitals_notifications_sent_total{receiver=\"log\"}"))
        }
    }

    @Test("without alerting the routes answer 404 with how to turn it on; writes need the admin scope")
    func notConfiguredAndScopes() async throws {
        let plain = try await ServerFixture()
        try await plain.test { client in
            let response = try await client.get("/v1/alerts")
            #expect(response.status == .notFound)
            #expect(String(buffer: response.body).contains("SLACK_WEBHOOK_URL"))
        }
        let guarded = try await ServerFixture(alertingRules: Self.rules) { configuration in
            configuration.tokens = [
                AccessToken(token: "reader", scopes: [.read]), AccessToken(token: "boss", scopes: [.admin]),
            ]
        }
        try await guarded.test { (client: any TestClientProtocol) async throws -> Void in
            #expect(try await client.get("/v1/alerts", headers: [.authorization: "Bearer reader"]).status == .ok)
            let body = "{\"matchers\":[\"a=b\"],\"duration\":\"1h\"}"
            #expect(
                try await client.post("/v1/silences", body, headers: [.authorization: "Bearer reader"]).status
                    == .forbidden
            )
            #expect(
                try await client.post("/v1/silences", body, headers: [.authorization: "Bearer boss"]).status == .created
            )
        }
    }
}
