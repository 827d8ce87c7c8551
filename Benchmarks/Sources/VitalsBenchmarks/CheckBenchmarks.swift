import Foundation

/// `vitals check` with 50 rules over the 1M-line file of the summary benchmark, and over its first quarter, to
/// show that memory does not grow with the file (rules stream; memory is bounded by groups, not events).
enum CheckBenchmarks {
    static let ruleCount = 50

    static func run(_ harness: Harness, into report: inout Report) {
        guard let binary = ProcessInfo.processInfo.environment["VITALS_BINARY"] else {
            print("check: skipped (set VITALS_BINARY, or use Benchmarks/run)")
            return
        }
        let data = SummaryBenchmarks.dataFile()
        let quarter = prefixFile(of: data, lines: SummaryBenchmarks.lineCount / 4)
        let rules = NSTemporaryDirectory() + "vitals-bench-check-rules-v1.yml"
        try? rulesYAML().write(toFile: rules, atomically: true, encoding: .utf8)
        let repeats = harness.rounds >= 21 ? 3 : 1
        guard let full = ChildProcess.best(of: repeats, [binary, "check", "--rules", rules, data]),
            let small = ChildProcess.best(of: repeats, [binary, "check", "--rules", rules, quarter])
        else {
            print("check: vitals check failed or reported a blocking violation")
            report.check("vitals check ran", measured: 0, atLeast: 1)
            return
        }
        let megabytes = { (outcome: ChildProcess.Outcome) in Double(outcome.peakResidentKilobytes) / 1024 }
        report.add(
            "vitals check, \(ruleCount) rules, 1M lines (ns/line)",
            nanoseconds: full.seconds * 1e9 / Double(SummaryBenchmarks.lineCount),
            note: String(format: "%.2f s wall, peak RSS %.1f MB", full.seconds, megabytes(full))
        )
        report.add(
            "vitals check, \(ruleCount) rules, 250k lines (ns/line)",
            nanoseconds: small.seconds * 1e9 / Double(SummaryBenchmarks.lineCount / 4),
            note: String(format: "%.2f s wall, peak RSS %.1f MB", small.seconds, megabytes(small))
        )
        report.check("vitals check peak RSS MB (1M lines)", measured: megabytes(full), atMost: 50)
        report.check(
            "vitals check RSS growth 250k -> 1M lines (MB)",
            measured: megabytes(full) - megabytes(small),
            atMost: 8
        )
    }

    /// 50 rules over the summary data (`llm_call` and `tool_call` events labelled `agent_id` and `worker_id`):
    /// every metric family, exact, regex and negated matchers, grouped and ungrouped; thresholds loose enough
    /// that nothing blocking is violated (the exit status must be 0).
    static func rulesYAML() -> String {
        let models = ["gpt-5-mini", "gpt-5", "claude-sonnet-4.5", "glm-4.6", "kimi-k2-turbo-preview"]
        let tools = ["ssh_exec", "http_request", "kb_search", "sql_query", "file_read", "web_fetch"]
        let phases = ["initial", "summary", "synthesis"]
        var rules: [String] = []
        func rule(_ name: String, _ match: String, _ metric: String, _ thresholds: String, by: String? = nil) {
            var text = "  - {name: \(name), match: {\(match)}, metric: \"\(metric)\", thresholds: {\(thresholds)}"
            if let by { text += ", by: [\(by)]" }
            rules.append(text + "}")
        }
        for (index, model) in models.enumerated() {
            rule("llm-p95-\(index)", "event: llm_call, model: \"\(model)\"", "p95", "high: \"> 30s\"")
            rule(
                "llm-errors-\(index)",
                "event: llm_call, model: \"\(model)\"",
                "error_rate",
                "medium: \"> 5%\"",
                by: "worker_id"
            )
            rule(
                "llm-agent-p99-\(index)",
                "event: llm_call, agent_id: \"~AGENT_\(index).*\"",
                "p99",
                "warn: \"> 1m\"",
                by: "agent_id"
            )
        }
        for (index, tool) in tools.enumerated() {
            rule("tool-max-\(index)", "event: \"~tool_.*\", tool: \"\(tool)\"", "max", "critical: \"> 10m\"")
            rule(
                "tool-errors-\(index)",
                "event: tool_call, tool: \"\(tool)\"",
                "error_rate",
                "high: \"> 50%\"",
                by: "agent_id"
            )
            rule("tool-timeouts-\(index)", "event: tool_call, tool: \"\(tool)\"", "timeout_rate", "high: \"> 50%\"")
        }
        for (index, phase) in phases.enumerated() {
            rule(
                "tokens-\(index)",
                "event: llm_call, phase: \"\(phase)\"",
                "sum:total_tokens",
                "warn: \"> 1e12\"",
                by: "model"
            )
            rule("prompt-\(index)", "event: llm_call, phase: \"\(phase)\"", "avg:prompt_tokens", "warn: \"> 100000\"")
            rule("models-\(index)", "event: llm_call, phase: \"\(phase)\"", "distinct:model", "warn: \"> 100\"")
        }
        rule("all-count", "event: \"~.*\"", "count", "warn: \"> 1e9\"", by: "agent_id")
        rule("all-rate", "event: \"~.*\"", "rate", "warn: \"> 1e9\"")
        rule("all-min", "event: {in: [llm_call, tool_call]}", "min", "warn: \"< 0ms\"")
        rule("all-avg", "event: llm_call", "avg", "warn: \"> 1h\"", by: "worker_id")
        rule("workers", "event: \"!~tool_.*\"", "distinct:worker_id", "warn: \"> 1000\"")
        rule(
            "agents",
            "event: tool_call, worker_id: {not_in: [worker-1, worker-2]}",
            "distinct:agent_id",
            "warn: \"> 1000\""
        )
        rule("median", "event: llm_call, model: [gpt-5, gpt-5-mini]", "p50", "warn: \"> 1m\"", by: "phase")
        rule("slowest-agent", "event: llm_call", "max", "warn: \"> 1h\"", by: "agent_id")
        precondition(rules.count == ruleCount, "\(rules.count) rules")
        return "rules:\n" + rules.joined(separator: "\n") + "\n"
    }

    /// The first `lines` lines of `path`, written once to a file of their own.
    static func prefixFile(of path: String, lines: Int) -> String {
        let target = path.replacingOccurrences(of: ".jsonl", with: "-first-\(lines).jsonl")
        if FileManager.default.fileExists(atPath: target) { return target }
        guard let input = FileHandle(forReadingAtPath: path) else { fatalError("cannot read \(path)") }
        let partial = target + ".partial"
        FileManager.default.createFile(atPath: partial, contents: nil)
        guard let output = FileHandle(forWritingAtPath: partial) else { fatalError("cannot write \(partial)") }
        var remaining = lines
        while remaining > 0, let chunk = try? input.read(upToCount: 1 << 20), !chunk.isEmpty {
            var end = chunk.endIndex
            for index in chunk.indices where chunk[index] == UInt8(ascii: "\n") {
                remaining -= 1
                if remaining == 0 {
                    end = index + 1
                    break
                }
            }
            output.write(chunk[chunk.startIndex..<end])
        }
        try? output.close()
        try? input.close()
        try? FileManager.default.moveItem(atPath: partial, toPath: target)
        return target
    }
}
