import Foundation
import Testing

@Suite("vitals compare", .timeLimit(.minutes(5)))
struct CompareCommandTests {
    /// 200 events of `name` with durations spread evenly around `median` (deterministic, ±20 %).
    static func run(_ name: String, median: Double) -> String {
        (0..<200).map { index in
            let value = median * (0.8 + 0.4 * Double((index * 37) % 200) / 200)
            return "{\"event\":\"\(name)\",\"duration_ms\":\(value)}"
        }.joined(separator: "\n") + "\n"
    }

    @Test("exit 0 unchanged, 1 regressed, 4 improved only, 2 bad input")
    func exitStatuses() async throws {
        let folder = try TemporaryFolder()
        let base = try folder.write("base.jsonl", Self.run("llm_call", median: 100) + Self.run("tool_call", median: 20))
        let same = try folder.write("same.jsonl", Self.run("llm_call", median: 100) + Self.run("tool_call", median: 20))
        let slower = try folder.write(
            "slower.jsonl",
            Self.run("llm_call", median: 130) + Self.run("tool_call", median: 20)
        )
        let faster = try folder.write(
            "faster.jsonl",
            Self.run("llm_call", median: 70) + Self.run("tool_call", median: 20)
        )
        let unchanged = try await VitalsBinary.run(["compare", base, same])
        #expect(unchanged.status == 0, "\(unchanged.stderr)")
        #expect(unchanged.stdout.hasSuffix("verdict: no significant change\n"))
        let regressed = try await VitalsBinary.run(["compare", base, slower])
        #expect(regressed.status == 1)
        #expect(regressed.stdout.contains("REGRESSED"))
        let improved = try await VitalsBinary.run(["compare", base, faster])
        #expect(improved.status == 4)
        // A 30 % slowdown is not a regression when at least 50 % is asked for.
        let tolerant = try await VitalsBinary.run(["compare", "--min-change", "50%", base, slower])
        #expect(tolerant.status == 0)
        let missing = try await VitalsBinary.run(["compare", base, folder.path("nope.jsonl")])
        #expect(missing.status == 2)
        #expect(try await VitalsBinary.run(["compare", base]).status == 2)
        #expect(try await VitalsBinary.run(["compare", "--min-delta", "soon", base, same]).status == 2)
    }

    @Test("globs combine files, JSON output")
    func globs() async throws {
        let folder = try TemporaryFolder()
        try folder.write("base-1.jsonl", Self.run("llm_call", median: 100))
        try folder.write("base-2.jsonl", Self.run("llm_call", median: 100))
        let current = try folder.write("current.jsonl", Self.run("llm_call", median: 150))
        let result = try await VitalsBinary.run(["compare", "--format", "json", folder.path("base-*.jsonl"), current])
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let operation = try #require((object["operations"] as? [[String: Any]])?.first)
        #expect((operation["baseline"] as? [String: Any])?["count"] as? Int == 400)
        let none = try await VitalsBinary.run(["compare", folder.path("nothing-*.jsonl"), current])
        #expect(none.status == 2)
    }
}
