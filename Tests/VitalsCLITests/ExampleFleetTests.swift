import Foundation
import Testing
import VitalsTestSupport

/// `examples/agent-fleet`: what its README says it shows, from the built program, on SQLite and (when the test
/// command started one) on PostgreSQL.
@Suite("examples/agent-fleet", .timeLimit(.minutes(5)))
struct ExampleFleetTests {
    static var program: URL {
        VitalsBinary.url.deletingLastPathComponent().appendingPathComponent("vitals-example-fleet")
    }

    static func databases() -> [String] {
        var databases = ["sqlite"]
        if ProcessInfo.processInfo.environment["VITALS_TEST_POSTGRES_URL"] != nil { databases.append("postgres") }
        return databases
    }

    @Test(
        "105 agents: history stored, /metrics by agent, health and bands, bottlenecks, daily and weekly reports",
        arguments: databases()
    )
    func fleet(backend: String) async throws {
        let folder = try TemporaryFolder()
        var database = folder.path("fleet.db")
        if backend == "postgres", let base = ProcessInfo.processInfo.environment["VITALS_TEST_POSTGRES_URL"] {
            let schema = "fleet_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            database = base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
        }
        let run = try await ChildProcess.runOnThread(
            Self.program,
            ["--database", database, "--days", "2", "--reports", folder.url.path],
            timeLimit: .seconds(240)
        )
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("records of 105 agents over 2 days"))
        #expect(
            run.stdout.contains(
                #"vitals_events_total{event="task",agent_id="AGENT_007",agent_name="maintenance-7",agent_domain="maintenance""#
            )
        )
        #expect(run.stdout.contains(#"vitals_sample_value{metric="queue_depth",agent_id="AGENT_007""#))
        #expect(run.stdout.contains("Agents: 105 ("))
        #expect(run.stdout.contains("Average health score: "))
        // The overloaded agents' queues and the failing agents' errors head the bottleneck table.
        for agent in ["AGENT_007", "AGENT_018", "AGENT_029"] {
            #expect(run.stdout.contains("critical  agent-queue-depth [agent_id=\(agent)]"), "\(agent)")
        }
        for agent in ["AGENT_044", "AGENT_061"] {
            #expect(run.stdout.contains("critical  agent-error-rate [agent_id=\(agent)]"), "\(agent)")
        }
        let weekly = try String(contentsOfFile: folder.path("fleet-weekly.md"), encoding: .utf8)
        let daily = try String(contentsOfFile: folder.path("fleet-daily.md"), encoding: .utf8)
        #expect(weekly.hasPrefix("# Agent fleet, weekly report") && daily.hasPrefix("# Agent fleet, daily report"))
        let agents = Set(
            weekly.split(separator: "\n").compactMap { line in
                line.range(of: #"AGENT_\d{3}"#, options: .regularExpression).map { String(line[$0]) }
            }
        )
        #expect(agents.count == 105)
    }
}
