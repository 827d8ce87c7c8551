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
        let run = try await ChildProcess.run(
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

/// The fleet's graceful degradation: its own PostgreSQL goes down while the agents report live, and comes back.
@Suite("examples/agent-fleet, PostgreSQL down", .timeLimit(.minutes(5)))
struct ExampleFleetOutageTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/postgres")

    /// Runs `scripts/postgres ARGUMENTS` and returns its standard output.
    static func postgres(_ arguments: [String]) async throws -> String {
        let run = try await ChildProcess.run(URL(fileURLWithPath: "/bin/bash"), [script.path] + arguments)
        guard run.status == 0 else { throw ScriptFailure(description: "scripts/postgres \(arguments): \(run.stderr)") }
        return run.stdout
    }

    @Test(
        "the database stops for 4 s during live reporting, as by a crash: the store ends with every job",
        .enabled(if: ProcessInfo.processInfo.environment["VITALS_TEST_POSTGRES_URL"] != nil)
    )
    func outage() async throws {
        // A server of its own: stopping the shared one would fail every other PostgreSQL test running meanwhile.
        let exports = try await Self.postgres(["start"])
        func value(_ name: String) -> String? {
            exports.split(separator: "\n").first { $0.hasPrefix("export \(name)=") }.map {
                String($0.dropFirst("export \(name)=".count))
            }
        }
        let url = try #require(value("VITALS_TEST_POSTGRES_URL")), directory = try #require(value("VITALS_PG_DIR"))
        defer {
            _ = try? ChildProcess.runBlocking(URL(fileURLWithPath: "/bin/bash"), [Self.script.path, "stop", directory])
        }

        let folder = try TemporaryFolder()
        let output = folder.url.appendingPathComponent("stdout")
        _ = FileManager.default.createFile(atPath: output.path, contents: Data())
        let process = Process()
        process.executableURL = ExampleFleetTests.program
        process.arguments = ["--database", url, "--days", "1", "--reports", folder.url.path, "--live", "12"]
        let errors = folder.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: errors.path, contents: Data())
        let stdout = try FileHandle(forWritingTo: output)
        let stderr = try FileHandle(forWritingTo: errors)
        defer {
            try? stdout.close()
            try? stderr.close()
        }
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        defer { ChildProcess.killAndReap(process) }
        func printed() -> String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

        // Once the live reporting runs, the database is down for 4 s (stopped at once, as by a crash).
        let clock = ContinuousClock()
        let start = clock.now
        while !printed().contains("live: reporting"), ChildProcess.exitStatus(of: process) == nil,
            clock.now - start < .seconds(150)
        {
            try await Task.sleep(for: .milliseconds(100))
        }
        try #require(printed().contains("live: reporting"), "\(printed())")
        try await Task.sleep(for: .seconds(2))
        _ = try await Self.postgres(["pause", directory])
        try await Task.sleep(for: .seconds(4))
        _ = try await Self.postgres(["resume", directory])
        #expect(ChildProcess.exitStatus(of: process) == nil, "the outage fell inside the live reporting")
        let status: Int32
        do {
            status = try await ChildProcess.waitForExit(process, timeLimit: .seconds(180))
        } catch {
            let log = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            let database = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            Issue.record("\(error)\n\(printed())\n\(log.suffix(4_000))\nPostgreSQL's log:\n\(database.suffix(3_000))")
            return
        }
        let text = printed()
        let database = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
        let log = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        let diagnosis = "\(text)\nIts log:\n\(log.suffix(4_000))\nPostgreSQL's log:\n\(database.suffix(3_000))"
        #expect(status == 0, "\(diagnosis)")
        let summary = try #require(
            text.firstMatch(
                of:
                    /live: (\d+) jobs reported .*, 0 dropped, 0 lost; the store holds (\d+) of the \d+ jobs/
            ),
            "\(diagnosis)"
        )
        #expect(
            Int(summary.1)! > 0 && summary.1 == summary.2,
            "every job stored: \(summary.0)\nPostgreSQL's log:\n\(database.suffix(3_000))"
        )
    }
}

/// A helper script that failed, with what it said.
struct ScriptFailure: Error, CustomStringConvertible {
    var description: String
}
