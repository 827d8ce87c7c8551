import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Vitals
import VitalsStore

@testable import VitalsServer

@Suite("POST /v1/events", .timeLimit(.minutes(5)))
struct IngestTests {
    @Test("good lines are stored and each bad line is rejected with its number and reason")
    func goodAndBadLines() async throws {
        let fixture = try await ServerFixture()
        let body = [
            "{\"event\":\"llm_call\",\"ts\":\"\(Recent.time(seconds: 1))\",\"duration_ms\":120,\"agent_id\":\"a1\"}",
            "not json",
            "",
            "{\"event\":\"llm_call\",\"ts\":\"\(Recent.time(seconds: 2))\",\"duration_ms\":-5}",
            "{\"metric\":\"queue_depth\",\"value\":7,\"ts\":\"\(Recent.time(seconds: 3))\",\"agent_id\":\"a1\"}",
            "{\"event\":\"llm_call\",\"ts\":\"\(Recent.time(seconds: 4))\",\"duration_ms\":80,\"agent_id\":\"a2\"}",
        ].joined(separator: "\n")
        try await fixture.test { client in
            let response = try await client.post("/v1/events", body)
            #expect(response.status == .ok)
            let json = try response.json
            #expect(json["accepted"] as? Int == 3)
            #expect(json["rejected_count"] as? Int == 2)
            let rejected = try #require(json["rejected"] as? [[String: Any]])
            #expect(rejected.map { $0["line"] as? Int } == [2, 4])
            #expect((rejected[1]["reason"] as? String)?.contains("duration_ms") == true)
            let stats = try await client.get("/v1/stats?event=llm_call").json
            let series = try #require(stats["series"] as? [[String: Any]])
            #expect(series.first?["count"] as? Int == 2)
            let gauge = try await client.get("/v1/stats?metric=queue_depth").json
            #expect((gauge["series"] as? [[String: Any]])?.first?["last"] as? Double == 7)
        }
    }

    @Test("a JSON array is accepted like JSONL, with rejections by element number")
    func jsonArray() async throws {
        let fixture = try await ServerFixture()
        let body = """
            [
              {"event": "tool_call", "ts": "\(Recent.time(seconds: 1))", "duration_ms": 5, "tool": "search"},
              {"event": "tool_call", "duration_ms": "slow"},
              {"event": "tool_call", "ts": "\(Recent.time(seconds: 2))", "duration_ms": 7, "tool": "sql",
               "note": "a, b ] } \\" ["}
            ]
            """
        try await fixture.test { client in
            let json = try await client.post("/v1/events", body).json
            #expect(json["accepted"] as? Int == 2)
            let rejected = try #require(json["rejected"] as? [[String: Any]])
            #expect(rejected.map { $0["line"] as? Int } == [2])
            let unclosed = try await client.post("/v1/events", "[{\"event\":\"x\",\"duration_ms\":1}")
            #expect(unclosed.status == .badRequest)
            #expect(
                try unclosed.json["error"] as? String
                    == "the JSON array is not closed; expected `]` at the end of the body"
            )
        }
    }

    @Test("a gzip body is decompressed; a bad gzip body is a 400 and an unknown encoding a 415")
    func gzip() async throws {
        let fixture = try await ServerFixture()
        var plain = ByteBuffer(string: llmCalls(50))
        let compressed = try plain.compress(with: .gzip())
        try await fixture.test { client in
            let response = try await client.execute(
                uri: "/v1/events",
                method: .post,
                headers: [.contentEncoding: "gzip", .contentType: "application/x-ndjson"],
                body: compressed
            )
            #expect(response.status == .ok)
            #expect(try response.json["accepted"] as? Int == 50)
            let bad = try await client.post("/v1/events", "not gzip at all", headers: [.contentEncoding: "gzip"])
            #expect(bad.status == .badRequest)
            let brotli = try await client.post("/v1/events", llmCalls(1), headers: [.contentEncoding: "br"])
            #expect(brotli.status == .unsupportedMediaType)
        }
    }

    @Test("a body over the limit is a 413, before and after decompression, and stores nothing")
    func bodyLimit() async throws {
        let fixture = try await ServerFixture { $0.maxBodyBytes = 4_096 }
        let large = llmCalls(100)
        #expect(large.utf8.count > 4_096)
        var buffer = ByteBuffer(string: large)
        let compressed = try buffer.compress(with: .gzip())
        #expect(compressed.readableBytes < 4_096)
        try await fixture.test { client in
            let plain = try await client.post("/v1/events", large)
            #expect(plain.status == .contentTooLarge)
            let zipped = try await client.execute(
                uri: "/v1/events",
                method: .post,
                headers: [.contentEncoding: "gzip"],
                body: compressed
            )
            #expect(zipped.status == .contentTooLarge)
            #expect(try zipped.json["error"] as? String != nil)
            let small = try await client.post("/v1/events", llmCalls(3))
            #expect(try small.json["accepted"] as? Int == 3)
            let stats = try await client.get("/v1/stats?event=llm_call").json
            #expect((stats["series"] as? [[String: Any]])?.first?["count"] as? Int == 3)
        }
    }

    @Test("events sent without timestamps are filed at arrival, and shown with that time")
    func arrivalTime() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            #expect(try await client.post("/v1/events", "{\"event\":\"untimed\",\"duration_ms\":3}").status == .ok)
            let json = try await client.get("/v1/events?event=untimed").json
            let event = try #require((json["events"] as? [[String: Any]])?.first)
            let time = try #require((event["ts"] ?? event["end_ts"]) as? String)
            let stored = try #require(Timestamp(rfc3339: time))
            #expect(abs(stored.milliseconds(since: .now())) < 60_000)
        }
    }

    @Test("an empty body is a 400 naming what was expected")
    func emptyBody() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let response = try await client.post("/v1/events", "  \n")
            #expect(response.status == .badRequest)
            #expect(try (response.json["error"] as? String)?.contains("empty") == true)
        }
    }

    @Test("a full ingest queue answers 503 with Retry-After and recovers when a place frees")
    func queueFull() async throws {
        let fixture = try await ServerFixture { $0.ingestQueue = 2 }
        let gate = fixture.server.gate
        #expect(gate.enter())
        #expect(gate.enter())
        try await fixture.test { client in
            let refused = try await client.post("/v1/events", llmCalls(1))
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers[.retryAfter] == "1")
            gate.leave()
            let accepted = try await client.post("/v1/events", llmCalls(1))
            #expect(accepted.status == .ok)
            gate.leave()
            #expect(gate.depth == 0)
        }
    }

    @Test("the store's rejections are mapped back to body lines; more than 1,000 are counted, 1,000 listed")
    func manyRejections() async throws {
        let fixture = try await ServerFixture()
        var lines = (0..<1_200).map { _ in "{\"event\":\"\",\"duration_ms\":1}" }
        lines.append(llmCalls(1))
        let body = lines.joined(separator: "\n")
        try await fixture.test { client in
            let json = try await client.post("/v1/events", body).json
            #expect(json["accepted"] as? Int == 1)
            #expect(json["rejected_count"] as? Int == 1_200)
            #expect((json["rejected"] as? [Any])?.count == 1_000)
        }
    }

    @Test("concurrent batches are all stored")
    func concurrentBatches() async throws {
        let fixture = try await ServerFixture()
        // In-process: under the full suite's load on two cores a request through a socket sometimes outlasted the
        // live test client's fixed 20-second timeout (at f3cbeec too); what is tested is the concurrent ingest.
        try await fixture.test(.router) { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for batch in 0..<16 {
                    group.addTask {
                        let json = try await client.post("/v1/events", llmCalls(100, agent: "agent-\(batch)")).json
                        return json["accepted"] as? Int ?? -1
                    }
                }
                var total = 0
                for try await accepted in group { total += accepted }
                #expect(total == 1_600)
            }
            let stats = try await client.get("/v1/stats?event=llm_call&by=agent_id").json
            let series = try #require(stats["series"] as? [[String: Any]])
            #expect(series.count == 16)
            #expect(series.allSatisfy { $0["count"] as? Int == 100 })
        }
    }
}

extension IngestTests {
    @Test("a batch sent again with its Idempotency-Key is answered as a duplicate and stored once; a bad key is a 400")
    func idempotentRetries() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test(.router) { client in
            let headers: HTTPFields = [HTTPFields.Element.Name("Idempotency-Key")!: "5b1f0c3e-batch"]
            let first = try await client.post("/v1/events", llmCalls(10), headers: headers).json
            #expect(first["accepted"] as? Int == 10 && first["duplicate"] == nil)
            let again = try await client.post("/v1/events", llmCalls(10), headers: headers).json
            #expect(again["accepted"] as? Int == 10)
            #expect(again["duplicate"] as? Bool == true)
            let stats = try await client.get("/v1/stats?event=llm_call").json
            #expect((stats["series"] as? [[String: Any]])?.first?["count"] as? Int == 10)
            // The exposition counted the batch once, not once per copy.
            let metrics = try await client.get("/metrics").text
            let counts = metrics.split(separator: "\n").filter {
                $0.hasPrefix("vitals_events_total{") && $0.contains("event=\"llm_call\"")
            }
            #expect(
                counts.compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }.reduce(0, +) == 10,
                "\(counts)"
            )

            for bad in [String(repeating: "k", count: 201), "two words"] {
                let refused = try await client.post(
                    "/v1/events",
                    llmCalls(1),
                    headers: [HTTPFields.Element.Name("Idempotency-Key")!: bad]
                )
                #expect(refused.status == .badRequest)
                #expect(refused.text.contains("Idempotency-Key"))
            }
            let after = try await client.get("/v1/stats?event=llm_call").json
            #expect(
                (after["series"] as? [[String: Any]])?.first?["count"] as? Int == 10,
                "refused batches store nothing"
            )
        }
    }
}
