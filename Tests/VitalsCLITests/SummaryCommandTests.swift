import Foundation
import Testing

@Suite(.timeLimit(.minutes(5))) struct SummaryCommandTests {
    static let lines = [
        #"{"event":"llm_call","model":"gpt-5-mini","duration_ms":100,"prompt_tokens":10,"completion_tokens":5}"#,
        #"{"event":"llm_call","model":"gpt-5-mini","duration_ms":300,"prompt_tokens":20,"completion_tokens":7}"#,
        #"{"event":"tool_call","tool":"ssh_exec","duration_ms":"slow"}"#,
        #"{"event":"tool_call","tool":"ssh_exec","duration_ms":50,"success":false,"error":"exit 1"}"#,
        #"{"event":"tool_call","tool":"ssh_exec","duration_ms":70,"success":true"#,
    ]

    @Test func reportsBadLinesWithFileAndLineAndKeepsTheRest() async throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("metrics.jsonl", Self.lines.joined(separator: "\n") + "\n")
        let output = try await VitalsBinary.run(["summary", "--format", "json", path])
        #expect(output.status == 0)
        let errorLines = output.stderr.split(separator: "\n").map(String.init)
        #expect(errorLines.count == 2)
        #expect(errorLines[0].hasPrefix("\(path):3: "))
        #expect(errorLines[0].contains("duration_ms"))
        #expect(errorLines[1].hasPrefix("\(path):5: "))

        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        )
        #expect(json["events"] as? Int == 3)
        let operations = try #require(json["operations"] as? [[String: Any]])
        #expect(operations.map { $0["name"] as? String } == ["llm_call", "tool_call"])
        let llm = operations[0]
        #expect(llm["count"] as? Int == 2)
        #expect(llm["errors"] as? Int == 0)
        #expect(llm["total_ms"] as? Double == 400)
        #expect(llm["avg_ms"] as? Double == 200)
        #expect(llm["min_ms"] as? Double == 100)
        #expect(llm["max_ms"] as? Double == 300)
        for key in ["p50_ms", "p95_ms", "p99_ms"] { #expect(llm[key] is Double, "\(key)") }
        #expect(operations[1]["errors"] as? Int == 1)
        let models = try #require(json["by_model"] as? [[String: Any]])
        #expect(models.first?["prompt_tokens"] as? Double == 30)
        let failed = try #require(json["failed"] as? [String: Any])
        #expect(failed["total"] as? Int == 1)
    }

    @Test func strictTurnsRejectedLinesIntoExitStatusTwo() async throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("metrics.jsonl", Self.lines.joined(separator: "\n"))
        #expect(try await VitalsBinary.run(["summary", "--strict", path]).status == 2)
        let clean = try folder.write("clean.jsonl", Self.lines[0] + "\n" + Self.lines[1] + "\n")
        #expect(try await VitalsBinary.run(["summary", "--strict", clean]).status == 0)
    }

    @Test func readsStandardInputAndGroupsBy() async throws {
        let input = Self.lines[0] + "\n" + Self.lines[1].replacingOccurrences(of: "gpt-5-mini", with: "glm-4.6") + "\n"
        let output = try await VitalsBinary.run(["summary", "--by", "model", "-"], input: input)
        #expect(output.status == 0)
        #expect(output.stderr.isEmpty)
        #expect(output.stdout.contains("2 events"))
        let table = output.stdout.split(separator: "\n").filter { $0.hasPrefix("llm_call") }
        #expect(table.count == 2)
        #expect(table.contains { $0.contains("glm-4.6") })
        #expect(table.contains { $0.contains("gpt-5-mini") })
    }

    @Test func aMissingFileIsOneClearErrorLine() async throws {
        let output = try await VitalsBinary.run(["summary", "/nonexistent/metrics.jsonl"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("/nonexistent/metrics.jsonl"))
        #expect(output.stderr.split(separator: "\n").count == 1)
    }

    @Test func summarisesTheExampleWorkerFile() async throws {
        let example = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/worker/metrics.jsonl").path
        let output = try await VitalsBinary.run(["summary", example])
        #expect(output.status == 0)
        #expect(output.stdout.contains("llm_call"))
        #expect(output.stdout.contains("HTTP 503 from status.internal"))
    }
}
