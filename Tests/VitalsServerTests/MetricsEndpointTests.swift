import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VitalsStore
import VitalsTestSupport

@testable import VitalsServer

@Suite("GET /metrics", .timeLimit(.minutes(5)))
struct MetricsEndpointTests {
    static let promtool: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/promtool" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }()

    /// Events with label values that need escaping, failures, tokens, cost and a gauge. (Ingest refuses a line feed
    /// in a label; the writer's escaping of one is tested in ExpositionTextTests.)
    static let body = [
        llmCalls(40, agent: "a1", model: "gpt-5-mini"),
        llmCalls(10, agent: "quote\\\"back\\\\slash", model: "m2"),
        "{\"event\":\"tool_call\",\"ts\":\"\(Recent.time(seconds: 5))\",\"duration_ms\":250000,\"tool\":\"search\",\"status\":\"timeout\"}",
        "{\"metric\":\"queue_depth\",\"value\":12,\"ts\":\"\(Recent.time(seconds: 6))\",\"agent_id\":\"a1\"}",
    ].joined(separator: "\n")

    @Test("events become histograms, counters and gauges; the server's own metrics follow ingest")
    func families() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            #expect(try await client.post("/v1/events", Self.body).status == .ok)
            let response = try await client.get("/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = response.text
            #expect(text.contains("# TYPE vitals_event_duration_seconds histogram"))
            let count = text.split(separator: "\n").first {
                $0.hasPrefix("vitals_event_duration_seconds_count{") && $0.contains("agent_id=\"a1\"")
            }
            #expect(count?.hasSuffix(" 40") == true, "\(count ?? "none")")
            #expect(text.contains("agent_id=\"quote\\\"back\\\\slash\""))
            #expect(text.contains("vitals_sample_value{"))
            #expect(
                text.split(separator: "\n").contains {
                    $0.hasPrefix("vitals_server_ingested_events_total") && $0.hasSuffix(" 52")
                }
            )
            #expect(text.split(separator: "\n").filter { $0.hasPrefix("# TYPE vitals_events_total ") }.count == 1)

            let openMetrics = try await client.get(
                "/metrics",
                headers: [.accept: "application/openmetrics-text; version=1.0.0"]
            )
            #expect(openMetrics.headers[.contentType]?.hasPrefix("application/openmetrics-text") == true)
            #expect(openMetrics.text.hasSuffix("# EOF\n"))
        }
    }

    @Test(
        "promtool check metrics passes on a live server's output",
        .enabled(if: promtool != nil, "promtool is not installed (Debian package prometheus); scripts/test installs it")
    )
    func promtoolClean() async throws {
        let fixture = try await ServerFixture()
        let text = try await fixture.test(.live) { client in
            #expect(try await client.post("/v1/events", Self.body).status == .ok)
            _ = try await client.get("/health")
            return try await client.get("/metrics").text
        }
        #expect(text.contains("vitals_event_duration_seconds_bucket"))
        let result = try await ChildProcess.run(
            URL(fileURLWithPath: try #require(Self.promtool)),
            ["check", "metrics"],
            input: Data(text.utf8),
            timeLimit: .seconds(120)
        )
        let report = result.stdout + result.stderr
        #expect(result.status == 0, "promtool: \(report)")
        #expect(report.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool: \(report)")
    }
}
