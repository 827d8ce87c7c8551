import Foundation
import HummingbirdTesting
import Logging
import Testing
import Vitals
import VitalsRules

@testable import VitalsServer

/// What a new user sees after `vitals serve --demo`: the demo feed runs in process against a server with the default
/// configuration, then the report and the dashboard pages are read as a browser would.
@Suite("Demo dashboard")
struct DemoDashboardTests {
    /// Runs the demo feed (ten minutes of history, then live) until the store holds its history, then `test`.
    static func fed(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let feed = DemoFeed(server: fixture.server, logger: Logger(label: "demo"), interval: .milliseconds(200))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await feed.run() }
                // The history arrives in one-minute slices; wait for the newest ones (the gauges of every agent).
                var agents = 0
                for _ in 0..<600 where agents < 108 {
                    try await Task.sleep(for: .milliseconds(100))
                    let stats = try await client.get("/v1/stats?metric=workload_pct&by=agent_id&window=1m").json
                    agents = (stats["series"] as? [Any])?.count ?? 0
                }
                #expect(agents == 108, "agents with a workload gauge in the last minute")
                try await test(client)
                group.cancelAll()
            }
        }
    }

    @Test("the report has verdicts for the agents, pipeline, supervisor and tool-tiers packs; /agents lists 108 bands")
    func reportAndPages() async throws {
        try await Self.fed { client in
            let json = try await client.get("/v1/report?window=15m&format=json").json
            let results = try #require((json["compliance"] as? [String: Any])?["results"] as? [[String: Any]])
            for pack in ["agents", "pipeline", "supervisor", "tool-tiers"] {
                let rules = Set(try #require(RulePacks.pack(named: pack)).rules.map(\.name))
                let judged = results.filter {
                    rules.contains($0["rule"] as? String ?? "") && ($0["status"] as? String) != "no_data"
                }
                #expect(!judged.isEmpty, "\(pack): every rule without data")
            }
            // Each rule's statuses over its groups.
            var status: [String: Set<String>] = [:]
            for result in results {
                guard let rule = result["rule"] as? String, let verdict = result["status"] as? String else { continue }
                status[rule, default: []].insert(verdict)
            }
            // The pipeline keeps init, the full run, memory and the monitor's overhead under contract and breaks the
            // session contract; `sql` is faster than its tier; no tool runs past its tier's timeout.
            #expect(status["session-processing"] == ["violated"])
            #expect(status["initialization"] == ["passed"])
            #expect(status["full-discovery"] == ["passed"])
            #expect(status["peak-memory"] == ["passed"])
            #expect(status["monitoring-overhead"] == ["passed"])
            #expect(status["tier2-floor"] == ["passed", "violated"])
            for tier in 1...4 { #expect(status["tier\(tier)-timeout"] == ["passed"], "tier \(tier)") }
            let summary = try #require(json["summary"] as? [String: Any])
            #expect(summary["agents"] as? Int ?? 0 >= 105)
            #expect(summary["pipeline_health"] as? String == "RED")
            let agents = try #require(json["agents"] as? [[String: Any]])
            #expect(agents.allSatisfy { $0["workload_status"] is String }, "an agent without a workload band")
            #expect(Set(agents.compactMap { $0["domain"] as? String }) == ["support", "knowledge", "maintenance"])
            #expect((json["bottlenecks"] as? [Any])?.isEmpty == false)

            let page = try await client.get("/agents?window=15m").text
            #expect(page.components(separatedBy: "<tr data-agent=").count - 1 == 108)
            #expect(page.contains("<option value=\"unknown\">unknown (0)</option>"))
            #expect(page.contains("<option value=\"healthy\">healthy ("))
        }
    }

    @Test("/pipeline shows the failing session stage, /tools every tier with data and sql out of its tier")
    func pipelineAndTools() async throws {
        try await Self.fed { client in
            let pipeline = try await client.get("/pipeline?window=15m").text
            let session = try DashboardReportTests.row(pipeline, "rule", "session-processing")
            #expect(session.contains("✗ fail (critical)"), "\(session)")
            #expect(try DashboardReportTests.row(pipeline, "rule", "initialization").contains("✓ pass"))
            #expect(try DashboardReportTests.row(pipeline, "rule", "full-discovery").contains("✓ pass"))
            #expect(!pipeline.contains("add <code>stage</code> to <code>label_keys</code>"))

            let tools = try await client.get("/tools?window=15m").text
            #expect(!tools.contains("add <code>tier</code> to <code>label_keys</code>"))
            for (tool, tier) in [
                ("status", 1), ("vector_lookup", 1), ("search", 2), ("sql", 2), ("code_exec", 3), ("deep_research", 4),
            ] {
                let row = try DashboardReportTests.row(tools, "tool", tool)
                #expect(row.contains("<td>Tier \(tier)</td>"), "\(tool): \(row)")
                #expect(!row.contains("<td>Tier \(tier)</td><td>0</td>"), "\(tool) has no calls")
            }
            #expect(try DashboardReportTests.row(tools, "tool", "sql").contains("tier2-floor"))
            #expect(try DashboardReportTests.row(tools, "tool", "code_exec").contains("✓ pass"))
            #expect(try DashboardReportTests.row(tools, "provider", "anthropic").contains("anthropic"))
        }
    }
}
