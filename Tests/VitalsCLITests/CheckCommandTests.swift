import Foundation
import Testing

@Suite("vitals check", .timeLimit(.minutes(5)))
struct CheckCommandTests {
    static let passing = """
        {"event":"stage","stage":"session","duration_ms":2500,"ts":"2025-06-15T12:00:03Z"}
        {"event":"stage","stage":"session","duration_ms":3000,"ts":"2025-06-15T12:00:06Z"}
        {"metric":"memory_mb","value":80,"ts":"2025-06-15T12:00:06Z"}

        """
    static let blocking = passing + "{\"event\":\"stage\",\"stage\":\"session\",\"duration_ms\":3001}\n"

    @Test("exit 0 when nothing blocking is violated, with the verdict line")
    func passes() async throws {
        let folder = try TemporaryFolder()
        let data = try folder.write("run.jsonl", Self.passing)
        let result = try await VitalsBinary.run(["check", "--rules", "pipeline", data])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("verdict: production ready\n"))
    }

    @Test("exit 1 when a blocking rule is violated")
    func blocks() async throws {
        let folder = try TemporaryFolder()
        let data = try folder.write("run.jsonl", Self.blocking)
        let result = try await VitalsBinary.run(["check", "--rules", "pipeline", data])
        #expect(result.status == 1)
        #expect(
            result.stdout.contains("VIOLATION critical (blocking): session-processing: max = 3.001s, threshold > 3s")
        )
        #expect(result.stdout.hasSuffix("verdict: blocked by 1 violation\n"))
    }

    @Test("exit 0 when only advisory rules are violated")
    func advisory() async throws {
        let folder = try TemporaryFolder()
        let lines = (0..<10).map { "{\"event\":\"task\",\"agent_id\":\"A\",\"duration_ms\":5,\"success\":\($0 > 2)}" }
        let data = try folder.write("agents.jsonl", lines.joined(separator: "\n") + "\n")
        let result = try await VitalsBinary.run(["check", "--rules", "agents", data])
        #expect(result.status == 0)
        #expect(result.stdout.contains("VIOLATION critical: agent-error-rate [agent_id=A]: error_rate = 30%"))
    }

    @Test("JSON and JUnit output, written to a file")
    func formats() async throws {
        let folder = try TemporaryFolder()
        let data = try folder.write("run.jsonl", Self.blocking)
        let json = try await VitalsBinary.run(["check", "--rules", "pipeline", "--format", "json", data])
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["passed"] as? Bool == false)
        let output = folder.path("junit.xml")
        let junit = try await VitalsBinary.run([
            "check", "--rules", "pipeline", "--format", "junit", "-o", output, data,
        ])
        #expect(junit.status == 1)
        #expect(junit.stdout.isEmpty)
        let xml = try String(contentsOfFile: output, encoding: .utf8)
        #expect(xml.hasPrefix("<?xml"))
        #expect(xml.contains("<failure message=\"max = 3.001s, threshold &gt; 3s (blocking)\" type=\"critical\">"))
    }

    /// Every class of bad rule file: one line on standard error naming file, line and column; exit 2.
    @Test(
        "bad rule files exit 2 with one line naming file:line:column",
        arguments: [
            ("rules:\n  - name: a\n    match: {event: x}\n    metric: max\n    thresholds: {critical: > 3s}\n", ":5:"),
            (
                "rules:\n  - name: a\n    match: {event: x}\n    metric: p9x\n    thresholds: {critical: \"> 3s\"}\n",
                ":4:13: unknown metric"
            ),
            (
                "rules:\n  - name: a\n    match: {event: x}\n    metric: max\n    thresholds: {critical: \"> 3 lightyears\"}\n",
                ":5:28: unknown unit"
            ),
            (
                "rules:\n  - name: a\n    match: {event: x}\n    metric: max\n    thresholds: {critical: \"> 80%\"}\n",
                ":5:28: threshold of the wrong kind"
            ),
            (
                "rules:\n  - {name: a, match: {event: x}, metric: max, thresholds: {high: \"> 1s\"}}\n"
                    + "  - {name: a, match: {event: y}, metric: max, thresholds: {high: \"> 1s\"}}\n",
                ":3:5: duplicate rule name"
            ),
        ]
    )
    func badRules(yaml: String, fragment: String) async throws {
        let folder = try TemporaryFolder()
        let rules = try folder.write("rules.yml", yaml)
        let data = try folder.write("run.jsonl", Self.passing)
        let result = try await VitalsBinary.run(["check", "--rules", rules, data])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix(rules + ":"))
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
    }

    @Test("bad input exits 2: unknown pack, missing data file, bad line, no rules")
    func badInput() async throws {
        let folder = try TemporaryFolder()
        let data = try folder.write("run.jsonl", Self.passing + "{\"event\": \n")
        let pack = try await VitalsBinary.run(["check", "--rules", "pipline", data])
        #expect(pack.status == 2)
        #expect(pack.stderr.contains("did you mean \"pipeline\""))
        let missing = try await VitalsBinary.run(["check", "--rules", "pipeline", folder.path("nope.jsonl")])
        #expect(missing.status == 2)
        let badLine = try await VitalsBinary.run(["check", "--rules", "pipeline", data])
        #expect(badLine.status == 2)
        #expect(badLine.stderr.hasPrefix(data + ":4: "))
        let skipped = try await VitalsBinary.run(["check", "--rules", "pipeline", "--skip-bad-lines", data])
        #expect(skipped.status == 0)
        #expect(skipped.stderr.hasPrefix(data + ":4: "))
        let noRules = try await VitalsBinary.run(["check", data])
        #expect(noRules.status == 2)
        let badFormat = try await VitalsBinary.run(["check", "--rules", "pipeline", "--format", "xml", data])
        #expect(badFormat.status == 2)
    }

    @Test("a malformed command line is bad input too: 2 for check, report, rules and compare")
    func usageErrors() async throws {
        let check = try await VitalsBinary.run(["check", "--rules"])
        #expect(check.status == 2)
        #expect(check.stderr.contains("Missing value for '--rules <rules>'"))
        #expect(try await VitalsBinary.run(["report", "--format"]).status == 2)
        #expect(try await VitalsBinary.run(["rules", "show"]).status == 2)
        #expect(try await VitalsBinary.run(["compare", "--alpha"]).status == 2)
        #expect(try await VitalsBinary.run(["check", "--help"]).status == 0)
    }
}
