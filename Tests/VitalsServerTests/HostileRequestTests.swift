import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Vitals
import VitalsStore

@testable import VitalsServer

/// Requests an attacker (or a broken client) sends: each is answered with a clear status and message, and the
/// server goes on serving the data it holds.
@Suite("Hostile requests", .timeLimit(.minutes(2)))
struct HostileRequestTests {
    @Test("a time series over the whole Int64 nanosecond scale is a 400, not a crash")
    func extremeTimeSeriesRange() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            try await client.post("/v1/events", llmCalls(5))
            let extreme = "from=1677-09-22T00:00:00Z&to=2262-04-10T00:00:00Z"
            let series = try await client.get("/v1/timeseries?event=llm_call&\(extreme)&step=1m")
            #expect(series.status == .badRequest)
            #expect(series.text.contains("at most 10000"))
            // The same range for plain statistics is fine: it holds the five events.
            let stats = try await client.get("/v1/stats?event=llm_call&\(extreme)")
            #expect(stats.status == .ok)
            let group = try #require((try stats.json["series"] as? [[String: Any]])?.first)
            #expect(group["count"] as? Int == 5)
            // A wide step over the same range, and windows and steps whose nanoseconds overflow Int64.
            let wide = try await client.get("/v1/timeseries?event=llm_call&\(extreme)&step=100000d")
            #expect(wide.status == .ok)
            for query in ["window=100000000000d", "window=9999999999999999w", "step=99999999999999w"] {
                let answer = try await client.get("/v1/timeseries?event=llm_call&\(query)")
                #expect(answer.status == .ok || answer.status == .badRequest, "\(query): \(answer.status)")
            }
            #expect(try await client.get("/v1/events?event=llm_call&\(extreme)&limit=3").status == .ok)
            #expect(try await client.get("/health/live").status == .ok)
        }
    }

    @Test("a pattern that makes a backtracking engine take exponential time is answered at once")
    func catastrophicPattern() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let hostile = String(repeating: "a", count: 30) + "!"
            try await client.post("/v1/events", llmCalls(3, model: hostile) + "\n" + llmCalls(2, model: "aab"))
            // (a+)+b: exponential in the number of a's for a backtracking matcher; linear here.
            let answer = try await client.get("/v1/stats?event=llm_call&by=model&label.model=~(a%2B)%2Bb")
            #expect(answer.status == .ok)
            let groups = try #require(try answer.json["series"] as? [[String: Any]])
            #expect(groups.count == 1)
            #expect((groups.first?["labels"] as? [String: String])?["model"] == "aab")
            let events = try await client.get("/v1/events?event=llm_call&label.model=~(a%2B)%2Bb&limit=10")
            #expect((try events.json["events"] as? [[String: Any]])?.count == 2)
            #expect(try await client.get("/health/live").status == .ok)
        }
    }

    @Test("patterns with no linear-time algorithm are refused by name")
    func unsupportedPatterns() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            for (pattern, expected) in [
                ("(a)%5C1", "back-references"), ("(%3F%3Da)a", "look-around"), ("a%7B2000%7D", "above 1000"),
                ("(a", "not closed"),
            ] {
                let answer = try await client.get("/v1/stats?event=llm_call&label.model=~\(pattern)")
                #expect(answer.status == .badRequest, "\(pattern)")
                #expect(answer.text.contains(expected), "\(pattern): \(answer.text)")
            }
        }
    }

    @Test("names and label values over their caps are rejected line by line; the rest of the batch is kept")
    func oversizedNamesAndLabels() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let longName = String(repeating: "n", count: 300)
            let longValue = String(repeating: "v", count: 2_000)
            let body = [
                "{\"event\":\"\(longName)\",\"duration_ms\":1}",
                "{\"event\":\"ok\",\"duration_ms\":1}",
                "{\"event\":\"ok\",\"duration_ms\":1,\"agent_id\":\"\(longValue)\"}",
                "{\"event\":\"ok\",\"duration_ms\":1,\"model\":\"\(longValue)\"}",
                "{\"metric\":\"\(longName)\",\"value\":1}",
                "{\"metric\":\"depth\",\"value\":1,\"agent_id\":\"\(longValue)\"}",
            ].joined(separator: "\n")
            let json = try await client.post("/v1/events", body).json
            #expect(json["accepted"] as? Int == 1)
            let rejected = try #require(json["rejected"] as? [[String: Any]])
            #expect(rejected.compactMap { $0["line"] as? Int } == [1, 3, 4, 5, 6])
            let reasons = rejected.compactMap { $0["reason"] as? String }
            #expect(reasons[0].contains("event: the name is 300 bytes long; expected at most 256"))
            #expect(reasons[1].contains("agent_id: the label value is 2000 bytes long"))
            #expect(reasons[2].contains("model: the label value is 2000 bytes long"))
            let metrics = try await client.get("/metrics").text
            #expect(!metrics.contains(longName) && !metrics.contains(longValue))
        }
    }

    @Test("sums stay finite: numbers too large to add up are rejected with their field")
    func hugeSums() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let body = [
                "{\"event\":\"llm_call\",\"duration_ms\":1,\"cost_usd\":1e308}",
                "{\"event\":\"llm_call\",\"duration_ms\":1,\"cost_usd\":1e308}",
                "{\"event\":\"llm_call\",\"duration_ms\":1,\"cost_usd\":0.5,\"prompt_tokens\":-1e300}",
                "{\"event\":\"llm_call\",\"duration_ms\":1,\"cost_usd\":0.5}",
                "{\"metric\":\"memory_mb\",\"value\":1e300}",
            ].joined(separator: "\n")
            let json = try await client.post("/v1/events", body).json
            #expect(json["accepted"] as? Int == 1)
            let rejected = try #require(json["rejected"] as? [[String: Any]])
            #expect(rejected.compactMap { $0["line"] as? Int } == [1, 2, 3, 5])
            #expect((rejected.first?["reason"] as? String)?.contains("cost_usd: 1e+308 is too large to add up") == true)
            let stats = try await client.get("/v1/stats?event=llm_call").json
            let group = try #require((stats["series"] as? [[String: Any]])?.first)
            #expect((group["sums"] as? [String: Double])?["cost_usd"] == 0.5)
            // `le="+Inf"` is a bucket bound; no sample value may be infinite or NaN.
            let values = try await client.get("/metrics").text.split(separator: "\n")
                .filter { !$0.hasPrefix("#") }.compactMap { $0.split(separator: " ").last }
            #expect(!values.isEmpty)
            #expect(values.allSatisfy { Double($0)?.isFinite == true })
        }
    }

    @Test("times the store cannot compute with are rejected; the good lines are kept")
    func outOfRangeTimes() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let body = [
                "{\"event\":\"x\",\"ts\":\"2262-04-11T23:00:00Z\"}",
                "{\"event\":\"x\",\"ts\":\"1677-09-22T00:00:00Z\"}",
                "{\"metric\":\"g\",\"value\":1,\"ts\":\"2262-04-11T23:00:00Z\"}",
                "{\"event\":\"x\",\"ts\":\"\(Recent.time(seconds: 1))\"}",
            ].joined(separator: "\n")
            let json = try await client.post("/v1/events", body).json
            #expect(json["accepted"] as? Int == 1)
            let reasons = (json["rejected"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
            #expect(reasons.count == 3)
            #expect(reasons.allSatisfy { $0.contains("outside the times the store keeps") })
        }
    }

    @Test("/v1/series takes limit, as documented")
    func seriesLimit() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            try await client.post("/v1/events", llmCalls(1, agent: "a1") + "\n" + llmCalls(1, agent: "a2"))
            let answer = try await client.get("/v1/series?event=llm_call&limit=1")
            #expect(answer.status == .ok)
            #expect((try answer.json["series"] as? [[String: Any]])?.count == 1)
            #expect(try await client.get("/v1/series?event=llm_call&limit=0").status == .badRequest)
        }
    }

    @Test("HEAD with a read token is allowed like GET")
    func headWithReadToken() async throws {
        let fixture = try await ServerFixture { configuration in
            configuration.tokens = [AccessToken(token: "read-secret", scopes: [.read])]
        }
        try await fixture.test { client in
            let head = try await client.execute(
                uri: "/v1/stats?event=llm_call",
                method: .head,
                headers: [.authorization: "Bearer read-secret"]
            )
            #expect(head.status != .forbidden && head.status != .unauthorized)
            let anonymous = try await client.execute(uri: "/v1/stats?event=llm_call", method: .head)
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test("bodies that trickle hold no place: other batches get through, the tricklers get 408 and are closed")
    func tricklingBodies() async throws {
        let fixture = try await ServerFixture { configuration in
            configuration.ingestQueue = 4
            configuration.bodyTimeout = .seconds(1)
        }
        try await fixture.test(.live) { client in
            let port = try #require(client.port)
            // Twice as many trickling connections as the server admits at once, each a byte into its body.
            var tricklers: [RawConnection] = []
            for _ in 0..<8 {
                let connection = try RawConnection(port: port)
                connection.send("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{")
                tricklers.append(connection)
            }
            try await Task.sleep(for: .milliseconds(200))
            for index in 0..<6 {
                let json = try await client.post("/v1/events", llmCalls(10, agent: "fast-\(index)")).json
                #expect(json["accepted"] as? Int == 10)
            }
            for connection in tricklers {
                let answer = await connection.readAll()
                #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer.prefix(200))")
                #expect(answer.contains("too slowly"))
            }
            let stats = try await client.get("/v1/stats?event=llm_call").json
            #expect((stats["series"] as? [[String: Any]])?.first?["count"] as? Int == 60)
            try await Self.expectNothingHeld(fixture.server)
        }
    }

    /// Every byte of the ingest budget and every place of the gate comes back once requests are over, whatever
    /// became of them; a leak would turn into 503s for ever.
    static func expectNothingHeld(_ server: VitalsServer) async throws {
        for _ in 0..<100 where server.ingestBudget.inUse != 0 || server.gate.depth != 0 {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(server.ingestBudget.inUse == 0)
        #expect(server.gate.depth == 0)
    }

    @Test("a body of many tiny records is refused whole past max_batch_records; bad lines are counted, not kept")
    func decodedFormIsBounded() async throws {
        let fixture = try await ServerFixture { configuration in
            configuration.maxBatchRecords = 1_000
        }
        try await fixture.test { client in
            let many = Array(repeating: "{\"event\":\"a\"}", count: 1_001).joined(separator: "\n")
            let tooMany = try await client.post("/v1/events", many)
            #expect(tooMany.status == .contentTooLarge)
            #expect(tooMany.text.contains("more than 1000 records"))
            let stats = try await client.get("/v1/stats?event=a").json
            #expect((stats["series"] as? [[String: Any]])?.isEmpty == true)
            // 200,000 bad lines: all counted, the first 1,000 listed, the good line kept.
            let bad = Array(repeating: "x", count: 200_000).joined(separator: "\n") + "\n{\"event\":\"a\"}"
            let json = try await client.post("/v1/events", bad).json
            #expect(json["accepted"] as? Int == 1)
            #expect(json["rejected_count"] as? Int == 200_000)
            #expect((json["rejected"] as? [Any])?.count == 1_000)
            try await Self.expectNothingHeld(fixture.server)
        }
    }
}
