import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import VitalsTestSupport

/// `POST /v1/traces` fed by a real OpenTelemetry client: the Python SDK and its OTLP/HTTP protobuf exporter
/// (scripts/otlp-genai-spans.py) against the live `vitals serve` binary, then `/v1/stats` read back.
///
/// `scripts/test` installs opentelemetry-sdk and opentelemetry-exporter-otlp-proto-http in a virtual environment and
/// names its Python in `VITALS_OTEL_PYTHON`; without it (no network to PyPI) the test is reported as skipped.
@Suite(
    "OTLP/HTTP from the OpenTelemetry Python SDK",
    .timeLimit(.minutes(5)),
    .enabled(
        if: OTelPython.path != nil,
        "VITALS_OTEL_PYTHON is not set: scripts/test sets it to a virtual environment with opentelemetry-sdk and opentelemetry-exporter-otlp-proto-http (it could not install them, or the test was run without it)"
    )
)
struct OTLPClientTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/otlp-genai-spans.py")

    /// Runs the script on a thread of its own: it blocks until the exports are done.
    static func export(to url: String) async throws -> ChildProcess.Output {
        let python = URL(fileURLWithPath: try #require(OTelPython.path))
        return try await ChildProcess.run(python, [script.path, url], timeLimit: .seconds(120))
    }

    static func stats(_ client: HTTPClient, _ url: String, _ query: String) async throws -> [[String: Any]] {
        let response = try await client.execute(
            HTTPClientRequest(url: url + "/v1/stats?" + query),
            timeout: .seconds(30)
        )
        #expect(response.status == .ok, "/v1/stats?\(query)")
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        return try #require(object?["series"] as? [[String: Any]], "/v1/stats?\(query)")
    }

    @Test("chat, tool, agent and failed spans exported as protobuf and JSON show up in /v1/stats")
    func pythonSDK() async throws {
        let folder = try TemporaryFolder()
        let server = try await ServeCommandTests.RunningServer.launch(database: folder.url.path + "/vitals.db")
        let output = try await Self.export(to: server.url)
        #expect(output.status == 0, "the Python exporter failed: \(output.stderr)")
        #expect(output.stdout.contains("exported 5 spans as protobuf and 5 as JSON"))

        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let llm = try await Self.stats(client, server.url, "event=llm_call&by=service,model,provider")
            let byService = Dictionary(
                llm.map { (($0["labels"] as? [String: String])?["service"] ?? "", $0) },
                uniquingKeysWith: { first, _ in first }
            )
            #expect(Set(byService.keys) == ["otlp-proto", "otlp-json"])
            for (service, group) in byService {
                #expect(
                    group["labels"] as? [String: String]
                        == ["service": service, "model": "gpt-4o-mini", "provider": "openai"]
                )
                #expect(group["count"] as? Int == 3, "\(service): two chat calls and a failed one")
                #expect(group["errors"] as? Int == 1, "\(service)")
                let sums = group["sums"] as? [String: Any]
                #expect(sums?["prompt_tokens"] as? Double == 400, "\(service)")
                #expect(sums?["completion_tokens"] as? Double == 60, "\(service)")
            }
            let tools = try await Self.stats(client, server.url, "event=tool_call&by=service,tool")
            #expect(tools.count == 2)
            #expect(tools.allSatisfy { ($0["labels"] as? [String: String])?["tool"] == "web_search" })
            #expect(tools.allSatisfy { $0["count"] as? Int == 1 })
            let agents = try await Self.stats(client, server.url, "event=agent_call&by=agent_name")
            #expect(agents.map { $0["labels"] as? [String: String] } == [["agent_name": "planner"]])
            #expect(agents.first?["count"] as? Int == 2)

            let failed = try await client.execute(
                HTTPClientRequest(url: server.url + "/v1/events?event=llm_call&status=error"),
                timeout: .seconds(30)
            )
            let body = try await failed.body.collect(upTo: 1 << 20)
            let answer = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            let events = try #require(answer?["events"] as? [[String: Any]])
            #expect(events.count == 2)
            for event in events {
                #expect(event["error"] as? String == "rate limited by the provider")
                #expect((event["trace_id"] as? String)?.count == 32)
                #expect((event["span_id"] as? String)?.count == 16)
                #expect((event["parent_span_id"] as? String)?.count == 16, "the chat span is inside the agent span")
            }
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}

/// The Python of the virtual environment with the OpenTelemetry SDK, from `VITALS_OTEL_PYTHON`.
enum OTelPython {
    static let path = ProcessInfo.processInfo.environment["VITALS_OTEL_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
}
