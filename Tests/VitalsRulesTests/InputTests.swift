import Foundation
import Testing
import Vitals
import VitalsRules

@Suite("JSONL input")
struct InputTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vitals-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let lines = """
        {"event":"llm_call","duration_ms":120,"model":"m","ts":"2025-06-15T12:00:00.500Z"}

        {"metric":"queue_depth","value":5,"agent_id":"A","ts":"2025-06-15T12:00:01Z"}
        not json
        {"event":"tool_call","duration_ms":7,"status":"timeout","agent_id":"A"}

        """

    @Test("reads events and samples in order; a bad line stops strict reading with FILE:LINE")
    func strict() throws {
        let url = try Self.folder()
        defer { try? FileManager.default.removeItem(at: url) }
        let path = url.appendingPathComponent("a.jsonl").path
        try Self.lines.write(toFile: path, atomically: true, encoding: .utf8)
        var records: [Record] = []
        do {
            try JSONLInput.read(paths: [path], strict: true) { records.append($0) }
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .badLine)
            #expect(error.line == 4)
            #expect(error.description.hasPrefix("\(path):4: "))
        }
        #expect(records.count == 2)
        guard case .event(let event) = records[0], case .sample(let sample) = records[1] else {
            Issue.record("expected an event then a sample")
            return
        }
        #expect(event.name == "llm_call")
        #expect(event.durationMilliseconds == 120)
        #expect(event.attributes["model"] == "m")
        #expect(event.end?.nanosecondsSinceEpoch == 1_749_988_800_500_000_000)
        #expect(sample.name == "queue_depth")
        #expect(sample.labels["agent_id"] == "A")
    }

    @Test("lenient reading reports bad lines and keeps the good ones")
    func lenient() throws {
        let url = try Self.folder()
        defer { try? FileManager.default.removeItem(at: url) }
        let path = url.appendingPathComponent("a.jsonl").path
        try Self.lines.write(toFile: path, atomically: true, encoding: .utf8)
        var records: [Record] = []
        var bad: [InputError] = []
        try JSONLInput.read(paths: [path], strict: false, onBadLine: { bad.append($0) }) { records.append($0) }
        #expect(records.count == 3)
        #expect(bad.map(\.line) == [4])
        guard case .event(let last) = records[2] else {
            Issue.record("expected an event")
            return
        }
        #expect(last.status == .timeout)
        #expect(last.labels["agent_id"] == "A")
    }

    @Test("missing files and empty globs are unreadable input; globs expand sorted")
    func files() throws {
        let url = try Self.folder()
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: InputError.self) {
            try JSONLInput.read(paths: [url.appendingPathComponent("nope.jsonl").path], strict: true) { _ in }
        }
        for name in ["b.jsonl", "a.jsonl", "c.txt"] {
            try "".write(toFile: url.appendingPathComponent(name).path, atomically: true, encoding: .utf8)
        }
        let expanded = try JSONLInput.expand(url.path + "/*.jsonl")
        #expect(expanded == ["a.jsonl", "b.jsonl"].map { url.appendingPathComponent($0).path })
        #expect(try JSONLInput.expand("plain.jsonl") == ["plain.jsonl"])
        #expect(throws: InputError.self) { try JSONLInput.expand(url.path + "/*.none") }
    }

    @Test("JSONL files are a rule data source")
    func source() async throws {
        let url = try Self.folder()
        defer { try? FileManager.default.removeItem(at: url) }
        let path = url.appendingPathComponent("a.jsonl").path
        try Self.lines.write(toFile: path, atomically: true, encoding: .utf8)
        let rules = try TestData.rules(
            "rules:\n  - {name: n, match: {event: \"~.*_call\"}, metric: count, thresholds: {high: \"> 1\"}}"
        )
        let results = try await RuleEvaluator.evaluate(rules, over: JSONLFileSource(paths: [path], strict: false))
        #expect(results.first?.value == 2)
        await #expect(throws: InputError.self) {
            _ = try await RuleEvaluator.evaluate(rules, over: JSONLFileSource(paths: [path]))
        }
    }

    @Test("a rule file that cannot be read is an error without line and column")
    func unreadableRules() {
        do {
            _ = try RuleSet(contentsOfFile: "/nonexistent/rules.yml")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unreadable)
            #expect(error.description.hasPrefix("/nonexistent/rules.yml: cannot read the rule file"))
        }
    }

    @Test("a large file is evaluated in parallel ranges with the same results and global line numbers")
    func parallel() async throws {
        let url = try Self.folder()
        defer { try? FileManager.default.removeItem(at: url) }
        var lines: [String] = []
        for index in 0..<6000 {
            lines.append(
                "{\"event\":\"task\",\"agent_id\":\"A\(index % 7)\",\"duration_ms\":\(index % 977),"
                    + "\"success\":\(index % 13 != 0),\"ts\":\"2025-06-15T12:00:00Z\"}"
            )
            if index % 50 == 0 {
                lines.append("{\"metric\":\"queue_depth\",\"value\":\(index % 120),\"agent_id\":\"A\(index % 7)\"}")
            }
        }
        let badLine = lines.count - 100
        lines.insert("{\"event\": 42}", at: badLine - 1)
        let path = url.appendingPathComponent("big.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int > 3 << 16)
        let rules = RulePacks.pack(named: "agents")!.rules
        var sequential = RuleEvaluator(rules: rules)
        var sequentialBad: [Int] = []
        try JSONLInput.read(paths: [path], strict: false, onBadLine: { sequentialBad.append($0.line) }) {
            sequential.add($0)
        }
        var parallelBad: [Int] = []
        let parallel = try await JSONLInput.evaluate(rules, paths: [path], strict: false) {
            parallelBad.append($0.line)
        }
        #expect(parallel.results() == sequential.results())
        #expect(parallel.eventCount == 6000)
        #expect(parallelBad == [badLine])
        #expect(sequentialBad == [badLine])
        do {
            _ = try await JSONLInput.evaluate(rules, paths: [path], strict: true)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("\(path):\(badLine): "))
        }
    }
}
