import Foundation
import Logging
import Vitals
import VitalsRules

/// What became of one worker.
struct WorkerOutcome: Sendable {
    var index: Int
    var workerID: String
    var folder: String
    var annotatedResult: String
    var eventCount: Int
    var failedTools: Int
    /// Why `metrics.jsonl` could not be written; `nil` when it was.
    var writeError: String?

    var hasExecutionTime: Bool { annotatedResult.contains("Execution time: ") }
}

/// A tool that failed, as a remote command fails.
struct ToolFailure: Error, CustomStringConvertible {
    var description: String
}

/// One worker of the original system: an LLM call to decide, one to three tool calls, an LLM call to summarise.
/// Which job, which tools, which fail and how many tokens come from the seed; the calls only sleep a few
/// milliseconds.
struct SimulatedWorker {
    let index: Int
    var random: SplitMix64

    init(index: Int, seed: UInt64) {
        self.index = index
        random = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9)
    }

    static let jobs = ["calculate", "backup", "disk_check", "log_scan"]
    static let tools = ["ssh_exec", "http_request", "read_file"]

    mutating func run(in directory: String) async -> WorkerOutcome {
        let job = Self.jobs[Int.random(in: 0..<Self.jobs.count, using: &random)]
        let workerID = "2025-12-15T04-08-08_\(job)-\(index)"
        let folder = directory + "/" + workerID
        var configuration = EventCollector.Configuration()
        configuration.structuredLogLevel = .info
        let collector = EventCollector(workerID: workerID, directory: folder, configuration: configuration)
        let plan = WorkPlan(random: &random)
        let failed = await collector.run { await plan.perform() }
        let answer = "The result is \(42 + index % 7)."
        let annotated = collector.annotatedResult(answer)
        // The result file is best effort too: a worker never fails because its folder cannot be written.
        try? annotated.write(toFile: folder + "/result.txt", atomically: true, encoding: .utf8)
        return WorkerOutcome(
            index: index,
            workerID: workerID,
            folder: folder,
            annotatedResult: annotated,
            eventCount: collector.events.count,
            failedTools: failed,
            writeError: collector.lastWriteError
        )
    }
}

/// The calls one worker makes, drawn from the seed before it starts.
struct WorkPlan: Sendable {
    struct ToolCall: Sendable {
        var tool: String
        var milliseconds: Int
        var fails: Bool
    }

    var decideTokens: (prompt: Int, completion: Int)
    var summaryTokens: (prompt: Int, completion: Int)
    var llmMilliseconds: [Int]
    var tools: [ToolCall]

    init(random: inout SplitMix64) {
        decideTokens = (800 + Int.random(in: 0..<800, using: &random), 40 + Int.random(in: 0..<120, using: &random))
        summaryTokens = (300 + Int.random(in: 0..<400, using: &random), 10 + Int.random(in: 0..<40, using: &random))
        llmMilliseconds = [2 + Int.random(in: 0..<4, using: &random), 1 + Int.random(in: 0..<3, using: &random)]
        tools = (0..<(1 + Int.random(in: 0..<3, using: &random))).map { _ in
            ToolCall(
                tool: SimulatedWorker.tools[Int.random(in: 0..<SimulatedWorker.tools.count, using: &random)],
                milliseconds: 1 + Int.random(in: 0..<5, using: &random),
                fails: Int.random(in: 0..<10, using: &random) == 0
            )
        }
    }

    /// Runs the calls under the task's collector; returns how many tool calls failed.
    func perform() async -> Int {
        let decide = decideTokens
        await measureLLMCall(model: "gpt-5-mini", phase: "initial") {
            try? await Task.sleep(for: .milliseconds(llmMilliseconds[0]))
        } usage: { _ in
            LLMUsage(promptTokens: decide.prompt, completionTokens: decide.completion)
        }
        var failed = 0
        for call in tools {
            do {
                try await measureToolCall(tool: call.tool) {
                    try? await Task.sleep(for: .milliseconds(call.milliseconds))
                    if call.fails { throw ToolFailure(description: "connection refused") }
                }
            } catch {
                failed += 1
            }
        }
        let summary = summaryTokens
        await measureLLMCall(model: "gpt-5-mini", phase: "summary") {
            try? await Task.sleep(for: .milliseconds(llmMilliseconds[1]))
        } usage: { _ in
            LLMUsage(promptTokens: summary.prompt, completionTokens: summary.completion)
        }
        return failed
    }
}
