import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Vitals
import VitalsStore

@testable import VitalsServer

@Suite("Query API")
struct QueryTests {
    /// 3 agents × 2 models, durations 1…100 ms for a1/m1, a few failures, and a gauge.
    static func loaded(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            var lines: [String] = []
            for agent in ["a1", "a2", "a3"] {
                for model in ["m1", "m2"] {
                    for index in 0..<100 {
                        let failed = agent == "a2" && index % 10 == 0
                        lines.append(
                            "{\"event\":\"llm_call\",\"ts\":\"\(Recent.time(seconds: Double(index)))\",\"duration_ms\":\(index + 1),"
                                + "\"agent_id\":\"\(agent)\",\"model\":\"\(model)\",\"prompt_tokens\":10,\"cost_usd\":0.25"
                                + (failed ? ",\"status\":\"error\",\"error\":\"rate limited\"" : "") + "}"
                        )
                    }
                }
            }
            for value in [3, 9, 4] {
                lines.append(
                    "{\"metric\":\"queue_depth\",\"value\":\(value),\"ts\":\"\(Recent.time(seconds: Double(value * 10)))\",\"agent_id\":\"a1\"}"
                )
            }
            let json = try await client.post("/v1/events", lines.joined(separator: "\n")).json
            #expect(json["accepted"] as? Int == 603)
            try await test(client)
        }
    }

    @Test("stats: count, errors, error rate, quantiles, sums, grouped by labels")
    func stats() async throws {
        try await Self.loaded { client in
            let all = try await client.get("/v1/stats?event=llm_call").json
            let total = try #require((all["series"] as? [[String: Any]])?.first)
            #expect(total["count"] as? Int == 600)
            #expect(total["errors"] as? Int == 20)
            #expect(abs((total["error_rate"] as? Double ?? 0) - 20.0 / 600) < 1e-9)
            #expect(total["min_ms"] as? Double == 1)
            #expect(total["max_ms"] as? Double == 100)
            #expect(abs((total["avg_ms"] as? Double ?? 0) - 50.5) < 1e-6)
            let p50 = try #require(total["p50_ms"] as? Double)
            #expect(abs(p50 - 50) <= 1.5)
            #expect(total["p95_ms"] is Double && total["p99_ms"] is Double)
            let sums = try #require(total["sums"] as? [String: Double])
            #expect(sums["prompt_tokens"] == 6_000)
            #expect(abs((sums["cost_usd"] ?? 0) - 150) < 1e-9)

            let byAgent = try await client.get("/v1/stats?event=llm_call&by=agent_id").json
            let groups = try #require(byAgent["series"] as? [[String: Any]])
            #expect(groups.count == 3)
            #expect(Set(groups.compactMap { ($0["labels"] as? [String: String])?["agent_id"] }) == ["a1", "a2", "a3"])

            let byBoth = try await client.get("/v1/stats?event=llm_call&by=agent_id,model").json
            #expect((byBoth["series"] as? [Any])?.count == 6)
        }
    }

    @Test("label filters: equal, not equal, one of several, regular expression")
    func labelFilters() async throws {
        try await Self.loaded { client async throws in
            func count(_ query: String) async throws -> Int? {
                let json = try await client.get("/v1/stats?event=llm_call&\(query)").json
                return (json["series"] as? [[String: Any]])?.first?["count"] as? Int
            }
            #expect(try await count("label.agent_id=a1") == 200)
            #expect(try await count("label.agent_id!=a1") == 400)
            #expect(try await count("label.agent_id=a1,a3") == 400)
            #expect(try await count("label.agent_id=~a%5B12%5D") == 400)
            #expect(try await count("label.agent_id=a1&label.model=m2") == 100)
        }
    }

    @Test("time ranges: window, from/to, and a range with no data")
    func ranges() async throws {
        try await Self.loaded { client in
            let from = Recent.time(seconds: 0)
            let to = Recent.time(seconds: 60)
            let json = try await client.get("/v1/stats?event=llm_call&from=\(from)&to=\(to)").json
            // Seconds 0…59 of each of the 6 agent × model streams.
            #expect((json["series"] as? [[String: Any]])?.first?["count"] as? Int == 360)
            let old = try await client.get("/v1/stats?event=llm_call&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z")
                .json
            #expect((old["series"] as? [Any])?.isEmpty == true)
            let week = try await client.get("/v1/stats?event=llm_call&window=7d").json
            #expect((week["series"] as? [[String: Any]])?.first?["count"] as? Int == 600)
            let quantiles = try await client.get("/v1/stats?event=llm_call&quantiles=0.9,0.999").json
            let first = try #require((quantiles["series"] as? [[String: Any]])?.first)
            #expect(first["p90_ms"] is Double && first["p99.9_ms"] is Double && first["p50_ms"] == nil)
        }
    }

    @Test("time series: one point per step with the step's counts")
    func timeSeries() async throws {
        try await Self.loaded { client in
            let json = try await client.get("/v1/timeseries?event=llm_call&step=1m&window=30m&label.agent_id=a1").json
            #expect(json["step_seconds"] as? Int == 60)
            let series = try #require((json["series"] as? [[String: Any]])?.first)
            let points = try #require(series["points"] as? [[String: Any]])
            // Seconds 0…99 after a whole minute: 60 events in the first minute, 40 in the second, ×2 models.
            let counts = points.compactMap { $0["count"] as? Int }.filter { $0 > 0 }
            #expect(counts == [120, 80])
            let gauge = try await client.get("/v1/timeseries?metric=queue_depth&step=5m").json
            #expect((gauge["series"] as? [Any])?.count == 1)
        }
    }

    @Test("raw events: slowest first, newest first, failed only, limited")
    func events() async throws {
        try await Self.loaded { client in
            let slowest = try await client.get("/v1/events?event=llm_call&sort=-duration&limit=3").json
            let events = try #require(slowest["events"] as? [[String: Any]])
            #expect(events.count == 3)
            #expect(events.allSatisfy { $0["duration_ms"] as? Double == 100 })
            let failed = try await client.get("/v1/events?event=llm_call&status=error&limit=100").json
            let failures = try #require(failed["events"] as? [[String: Any]])
            #expect(failures.count == 20)
            #expect(failures.allSatisfy { $0["error"] as? String == "rate limited" })
            let newest = try await client.get("/v1/events?sort=-time&limit=2&label.agent_id=a3").json
            let times = try #require(newest["events"] as? [[String: Any]]).compactMap {
                $0["ts"] as? String ?? $0["end_ts"] as? String
            }
            #expect(times.count == 2)
            #expect(times == times.sorted(by: >))
            let oldest = try await client.get("/v1/events?sort=time&limit=1&label.agent_id=a3").json
            #expect((oldest["events"] as? [Any])?.count == 1)
        }
    }

    @Test("series: every event and gauge series with first and last seen")
    func series() async throws {
        try await Self.loaded { client in
            let all = try await client.get("/v1/series").json
            let series = try #require(all["series"] as? [[String: Any]])
            // `status` is a label: a2's failures make two more series (one per model).
            #expect(series.count == 9)
            #expect(series.filter { $0["kind"] as? String == "gauge" }.count == 1)
            #expect(series.allSatisfy { $0["first_seen"] is String && $0["last_seen"] is String })
            let one = try await client.get("/v1/series?event=llm_call&label.model=m1").json
            #expect((one["series"] as? [Any])?.count == 4)
        }
    }

    @Test(
        "bad parameters are a 400 naming the parameter",
        arguments: [
            ("/v1/stats", "event"),
            ("/v1/stats?event=llm_call&window=forever", "window"),
            ("/v1/stats?event=llm_call&from=yesterday", "from"),
            ("/v1/stats?event=llm_call&to=2026-13-01T00:00:00Z", "to"),
            ("/v1/stats?event=llm_call&by=agent%20id", "by"),
            ("/v1/stats?event=llm_call&quantiles=1.5", "quantiles"),
            ("/v1/stats?event=llm_call&colour=red", "colour"),
            ("/v1/stats?event=llm_call&label.agent_id=~(", "label.agent_id"),
            ("/v1/stats?event=llm_call&limit=5", "limit"),
            ("/v1/timeseries?event=llm_call&step=90s", "step"),
            ("/v1/timeseries?event=llm_call&step=1m&window=30d", "step"),
            ("/v1/events?sort=fastest", "sort"),
            ("/v1/events?status=ok", "status"),
            ("/v1/events?limit=0", "limit"),
            ("/v1/events?limit=100000", "limit"),
            ("/v1/report?format=pdf", "format"),
            ("/v1/stats?event=a&metric=b", "metric"),
        ]
    )
    func badParameters(uri: String, parameter: String) async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let response = try await client.get(uri)
            #expect(response.status == .badRequest, "\(uri)")
            let message = try #require(try response.json["error"] as? String)
            #expect(message.hasPrefix(parameter), "\(uri): \(message)")
        }
    }

    @Test("report: JSON by default, Markdown and HTML by Accept or format")
    func report() async throws {
        try await Self.loaded { client in
            let json = try await client.get("/v1/report")
            #expect(json.status == .ok)
            #expect(json.headers[.contentType] == "application/json")
            #expect(try JSONSerialization.jsonObject(with: Data(json.body.readableBytesView)) is [String: Any])
            let markdown = try await client.get("/v1/report", headers: [.accept: "text/markdown"])
            #expect(markdown.headers[.contentType]?.hasPrefix("text/markdown") == true)
            #expect(markdown.text.contains("#"))
            let html = try await client.get("/v1/report?format=html")
            #expect(html.text.contains("<html"))
            #expect(html.text.contains("llm_call"))
        }
    }

    @Test("window=24 is 24 seconds, as a bare number is everywhere")
    func bareWindowIsSeconds() throws {
        let now = Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000)
        let parameters = try QueryParameters([("event", "x"), ("window", "24")], now: now)
        #expect(parameters.range.to == now)
        #expect(parameters.range.from.nanosecondsSinceEpoch == now.nanosecondsSinceEpoch - 24_000_000_000)
    }
}
