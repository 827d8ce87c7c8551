import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import Vitals
import VitalsHTTPTestSupport
import VitalsTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `vitals serve` watching and telling, as users run it: the binary, a configuration file, a real webhook
/// receiver on 127.0.0.1, `vitals alerts`, and two servers on one PostgreSQL with the evaluating one killed.
@Suite("vitals serve alerting (live binary)", .timeLimit(.minutes(5)))
struct AlertingServeTests {
    static func configuration(webhook: Int, interval: String = "1s") -> String {
        """
        alerting:
          rules: [./rules.yml]
          evaluation_interval: \(interval)
          external_url: http://vitals.test:8080
          receivers:
            - {name: hook, type: webhook, url: "http://127.0.0.1:\(webhook)/hook", headers: {X-Key: k1}}
          route: {receiver: hook, group_by: [alertname, agent_id], group_wait: 0s, group_interval: 1m}
        """
    }

    static let rules = """
        rules:
          - name: agent-errors
            match: {event: task}
            by: agent_id
            metric: error_rate
            thresholds: {critical: "> 50%"}
            window: 2m
            recommendation: Read the agent's failures.
        """

    static func failing(agent: String) -> String {
        let time = Timestamp.now().rfc3339
        return (0..<10).map { index in
            "{\"event\":\"task\",\"ts\":\"\(time)\",\"duration_ms\":5,\"status\":\"\(index < 8 ? "error" : "ok")\",\"agent_id\":\"\(agent)\"}"
        }.joined(separator: "\n")
    }

    /// Waits until `condition` holds, checking every 50 ms, for at most `limit`.
    static func eventually(_ limit: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    @Test(
        "a violating batch reaches the webhook as Alertmanager's payload, the time printed; vitals alerts lists, acks and silences"
    )
    func webhookEndToEnd() async throws {
        let receiver = HTTPReceiver()
        try await receiver.serve { port in
            let folder = try TemporaryFolder()
            _ = try folder.write("rules.yml", Self.rules)
            let config = try folder.write("vitals.yml", Self.configuration(webhook: port))
            let server = try await ServeCommandTests.RunningServer.launch(
                database: folder.path("vitals.db"),
                extraArguments: ["--config", config]
            )
            let posted = ContinuousClock.now
            #expect(try await ServeCommandTests.post(HTTPClient.shared, server.url, Self.failing(agent: "a1")) == 200)
            let arrived = try await Self.eventually(.seconds(10)) { !receiver.accepted.isEmpty }
            #expect(arrived, "the webhook got nothing in 10 s")
            let latency = (receiver.accepted.first?.arrival ?? ContinuousClock.now) - posted
            // A figure, not an assertion: beside the rest of the suite on two cores it varies with the load. The
            // README quotes it from this test run alone (target ≤ 2 s); the 10 s above is what must hold.
            print("alerting: ingest of a violating batch to the webhook (1 s interval): \(latency)")

            let payload = try #require(try receiver.accepted.first?.json())
            #expect(payload["version"] as? String == "4")
            #expect(payload["status"] as? String == "firing")
            #expect(payload["receiver"] as? String == "hook")
            #expect(payload["externalURL"] as? String == "http://vitals.test:8080")
            #expect(payload["groupLabels"] as? [String: String] == ["alertname": "agent-errors", "agent_id": "a1"])
            let alert = try #require((payload["alerts"] as? [[String: Any]])?.first)
            #expect((alert["labels"] as? [String: String])?["severity"] == "critical")
            #expect((alert["annotations"] as? [String: String])?["recommendation"] == "Read the agent's failures.")
            #expect(receiver.accepted.first?.headers["x-key"] == "k1")

            // The command line against the running server.
            let list = try await VitalsBinary.run(["alerts", "list", "--server", server.url])
            #expect(list.status == 0)
            #expect(
                list.stdout.contains("firing") && list.stdout.contains("agent-errors")
                    && list.stdout.contains("agent_id=a1")
            )
            let json = try await VitalsBinary.run(["alerts", "list", "--server", server.url, "--format", "json"])
            let alerts = try #require(
                (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["alerts"]
                    as? [[String: Any]]
            )
            let fingerprint = try #require(alerts.first?["fingerprint"] as? String)
            #expect(
                try await VitalsBinary.run(["alerts", "ack", fingerprint, "--server", server.url, "--comment", "on it"])
                    .status == 0
            )
            #expect(
                try await VitalsBinary.run(["alerts", "ack", "0123456789abcdef", "--server", server.url]).status == 2
            )
            let silence = try await VitalsBinary.run([
                "alerts", "silence", "agent_id=~a.*", "--duration", "1h", "--server", server.url,
            ])
            #expect(silence.status == 0)
            let id = try #require(
                silence.stdout.components(separatedBy: "id ").last?.trimmingCharacters(in: .whitespacesAndNewlines)
            )
            #expect(try await VitalsBinary.run(["alerts", "silences", "--server", server.url]).stdout.contains(id))
            #expect(try await VitalsBinary.run(["alerts", "unsilence", id, "--server", server.url]).status == 0)
            #expect(
                try await VitalsBinary.run(["alerts", "silence", "--server", server.url]).status == 2,
                "no matcher"
            )
            #expect(
                try await VitalsBinary.run(["alerts", "list", "--server", "http://127.0.0.1:1"]).status == 1,
                "unreachable"
            )
            #expect(receiver.accepted.count == 1, "told once")
            server.signal(SIGTERM)
            #expect(await server.waitForExit() == 0)
        }
    }

    @Test(
        "two servers on one PostgreSQL: one tells; killed with SIGKILL, the other takes over, nothing told twice or lost"
    )
    func leaderKilled() async throws {
        guard let base = ProcessInfo.processInfo.environment["VITALS_TEST_POSTGRES_URL"], !base.isEmpty else {
            try Test.cancel("VITALS_TEST_POSTGRES_URL is not set: PostgreSQL case skipped (scripts/test sets it)")
        }
        let url = base + (base.contains("?") ? "&" : "?") + "schema=t_alert_\(UInt32.random(in: 0...UInt32.max))"
        let receiver = HTTPReceiver()
        try await receiver.serve { port in
            let folder = try TemporaryFolder()
            _ = try folder.write("rules.yml", Self.rules)
            let config = try folder.write("vitals.yml", Self.configuration(webhook: port))
            let first = try await ServeCommandTests.RunningServer.launch(
                database: url,
                extraArguments: ["--config", config]
            )
            let second = try await ServeCommandTests.RunningServer.launch(
                database: url,
                extraArguments: ["--config", config]
            )
            #expect(try await ServeCommandTests.post(HTTPClient.shared, first.url, Self.failing(agent: "a1")) == 200)
            #expect(try await Self.eventually(.seconds(10)) { receiver.accepted.count == 1 })

            // Which one leads?
            func leads(_ server: ServeCommandTests.RunningServer) async throws -> Bool {
                let response = try await HTTPClient.shared.execute(
                    HTTPClientRequest(url: server.url + "/metrics"),
                    timeout: .seconds(10)
                )
                let text = String(buffer: try await response.body.collect(upTo: 16 << 20))
                // By line: the family's HELP text starts with "1 when…" too.
                return text.split(separator: "\n").contains("vitals_alerting_leader 1")
            }
            var firstLeads = false
            let one = try await Self.eventually(.seconds(10)) {
                firstLeads = try await leads(first)
                return firstLeads != (try await leads(second))
            }
            #expect(one, "/metrics shows exactly one leader")
            let (leader, survivor) = firstLeads ? (first, second) : (second, first)
            leader.signal(SIGKILL)
            _ = await leader.waitForExit()

            // A new violation while nobody leads: told by the survivor once it takes the lease.
            let killed = ContinuousClock.now
            #expect(try await ServeCommandTests.post(HTTPClient.shared, survivor.url, Self.failing(agent: "a2")) == 200)
            #expect(try await Self.eventually(.seconds(15)) { receiver.accepted.count >= 2 })
            print("alerting: a new leader told the next alert \(ContinuousClock.now - killed) after SIGKILL")
            try await Task.sleep(for: .seconds(3))
            #expect(try await leads(survivor))
            let groups = try receiver.accepted.map { try $0.json()["groupLabels"] as? [String: String] ?? [:] }
            #expect(groups.map { $0["agent_id"] ?? "" }.sorted() == ["a1", "a2"], "a1 told once, a2 once: \(groups)")
            let ids = receiver.accepted.compactMap(\.notificationID)
            #expect(Set(ids).count == ids.count)
            survivor.signal(SIGTERM)
            #expect(await survivor.waitForExit() == 0)
        }
    }
}
