import Foundation
import Testing
import VitalsHTTPTestSupport
import VitalsTestSupport

/// `examples/mcp-tools`: what its README says it shows, from the built program, with a real HTTP receiver standing
/// in for the webhook.
@Suite("examples/mcp-tools", .timeLimit(.minutes(3)))
struct ExampleMCPToolsTests {
    static var program: URL {
        VitalsBinary.url.deletingLastPathComponent().appendingPathComponent("vitals-example-mcp-tools")
    }

    func run(_ arguments: [String], webhook: HTTPReceiver) async throws -> ChildProcess.Output {
        try await webhook.serve { port in
            try await ChildProcess.run(
                Self.program,
                arguments + ["--webhook-url", "http://127.0.0.1:\(port)/hook"],
                timeLimit: .seconds(120)
            )
        }
    }

    @Test("an outage: every record arrives once; timeouts cut off the slow calls; misbehaving tools alert")
    func outage() async throws {
        let folder = try TemporaryFolder()
        let webhook = HTTPReceiver()
        let degraded = try await run(
            ["--outage", "--database", folder.path("mcp.db"), "--baseline", folder.path("degraded.jsonl")],
            webhook: webhook
        )
        #expect(degraded.status == 0, "\(degraded.stderr)")
        let summary = try #require(
            degraded.stdout.split(separator: "\n").first { $0.hasPrefix("mcp: ") },
            "\(degraded.stdout)"
        )
        // The exporter kept what the server could not take and sent it after the server came back: nothing lost.
        let figures = try #require(
            summary.firstMatch(of: /exporter: (\d+) records, (\d+) sent in batches of 10, (\d+) retries, 0 dropped/)
        )
        #expect(figures.1 == figures.2)
        #expect(Int(figures.3)! > 0, "the outage made the exporter retry: \(summary)")
        #expect(degraded.stdout.contains(#""labels":{},"count":600,"#), "every tool call stored once")
        // withTimeout cut off exactly the provider calls planned past their limit.
        let cut = try #require(summary.firstMatch(of: /\((\d+) cut off by their timeout, (\d+) planned past it\)/))
        #expect(cut.1 == cut.2 && Int(cut.1)! > 0, "\(summary)")
        #expect(degraded.stdout.contains(#""labels":{"provider":"glm"},"count":"#))
        #expect(degraded.stdout.contains("firing critical tier4-timeout [\"tool\": \"debug\"]"))
        #expect(degraded.stdout.contains("firing high tier1-latency [\"tool\": \"listmodels\"]"))
        // The dashboard's tools view shows the timeout observation with its Acknowledge button.
        #expect(
            degraded.stdout.contains(
                "GET /tools?window=1h&category=timeout → 200: 1 Acknowledge buttons, debug failing"
            ),
            "\(degraded.stdout)"
        )
        // The webhook got Alertmanager's payload for the critical alert.
        let bodies = webhook.requests.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(bodies.contains { $0.contains(#""alertname":"tier4-timeout""#) && $0.contains(#""status":"firing""#) })
        #expect(webhook.requests.allSatisfy { $0.path == "/hook" })

        // A healthy run: no alert. The runs' tool calls, gated by `vitals check` with the tool-tiers pack as CI
        // would: the call past its timeout blocks the degraded run.
        let calm = try await self.run(
            ["--healthy", "--database", folder.path("calm.db"), "--baseline", folder.path("healthy.jsonl")],
            webhook: HTTPReceiver()
        )
        #expect(calm.status == 0, "\(calm.stderr)")
        #expect(calm.stdout.contains("auditor: 0 alerts"), "\(calm.stdout)")
        #expect(calm.stdout.contains("→ 200: 0 Acknowledge buttons, debug not failing"), "\(calm.stdout)")
        let lines = try String(contentsOfFile: folder.path("healthy.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 600 && lines.allSatisfy { $0.contains(#""event":"tool_call""#) })
        for (file, status) in [("healthy.jsonl", 0), ("degraded.jsonl", 1)] {
            let check = try await ChildProcess.run(
                VitalsBinary.url,
                ["check", "--rules", "tool-tiers", folder.path(file)]
            )
            #expect(check.status == Int32(status), "\(file): \(check.stdout)\(check.stderr)")
        }
    }
}
