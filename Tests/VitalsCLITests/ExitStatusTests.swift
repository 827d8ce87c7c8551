import Foundation
import Testing
import VitalsServer

/// One convention for every subcommand: 2 means bad input (a malformed command line, a file that cannot be
/// read), whatever the subcommand; 1 is kept for a negative verdict (a violated contract, a regression,
/// rejected lines).
@Suite("Exit status 2 on bad input, for every subcommand")
struct ExitStatusTests {
    @Test(
        "an unknown option is exit status 2",
        arguments: ["summary", "check", "compare", "report", "rules", "import", "push", "serve", "alerts"]
    )
    func unknownOption(subcommand: String) async throws {
        let result = try await VitalsBinary.run([subcommand, "--no-such-option", "events.jsonl"])
        #expect(result.status == 2, "\(subcommand): \(result.stderr)")
        #expect(result.stderr.contains("Error:"))
    }

    @Test("--version prints the version that /health reports, exit status 0")
    func version() async throws {
        let result = try await VitalsBinary.run(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == VitalsServer.version)
    }

    @Test("a file that does not exist is exit status 2")
    func missingFile() async throws {
        let missing = "/nonexistent/vitals-\(UInt64.random(in: 0...UInt64.max)).jsonl"
        for arguments in [
            ["summary", missing], ["check", "--rules", "supervisor", missing], ["compare", missing, missing],
            ["report", missing], ["import", "--database", "/nonexistent/x.db", missing],
        ] {
            let result = try await VitalsBinary.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
        }
    }

    @Test(
        "a bad flag value or a malformed rule file is exit status 2 with one line: `vitals SUBCOMMAND:` or the file it names"
    )
    func badValues() async throws {
        let folder = try TemporaryFolder()
        let events = try folder.write("e.jsonl", #"{"event":"e","duration_ms":5,"ts":"2026-01-01T00:00:00Z"}"# + "\n")
        let rules = try folder.write("r.yml", "rules:\n  - {name: r, window: 24 hours}\n")
        for (prefix, arguments) in [
            ("vitals summary:", ["summary", "--database", folder.path("v.db"), "--since", "24 hours"]),
            (rules, ["check", "--rules", rules, events]),
            ("vitals check:", ["check", "--rules", "supervisor", "--format", "pdf", events]),
            ("vitals compare:", ["compare", "--min-delta", "soon", events, events]),
            ("vitals report:", ["report", "--memory-limit", "lots", events]),
            ("vitals import:", ["import", "--database", folder.path("v.db"), folder.path("absent.jsonl")]),
            ("vitals serve:", ["serve", "--config", folder.path("absent.yml")]),
            ("vitals alerts silence:", ["alerts", "silence", "--duration", "forever", "alertname=x"]),
        ] {
            let result = try await VitalsBinary.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix(prefix), "\(arguments): \(result.stderr)")
        }
    }
}
