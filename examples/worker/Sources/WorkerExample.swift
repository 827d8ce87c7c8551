import ArgumentParser
import Foundation
import Logging
import Vitals

/// The three tiers of worker visibility of the original system, on Vitals: each worker's result ends with its
/// execution time (tier 1), each worker writes its own `metrics.jsonl` (tier 2), and every LLM and tool call is a
/// grep-able log line (tier 3). The workers run concurrently and their work is simulated from a seed, so that a run
/// is repeatable and fast.
@main
struct WorkerExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vitals-example-worker",
        abstract: "Run simulated workers with the three tiers of visibility (see examples/worker/README.md)."
    )

    @Option(help: "How many workers run at once.")
    var workers = 8

    @Option(help: "Where each worker gets its folder with metrics.jsonl and result.txt.")
    var directory = "workers"

    @Option(help: "The seed of the simulated work (which tools, which fail, how many tokens).")
    var seed: UInt64 = 7

    @Option(help: "How many results to print in full (the rest are counted).")
    var show = 3

    func run() async throws {
        guard (1...10_000).contains(workers) else { throw ValidationError("--workers: expected 1 to 10,000") }
        // Tier 3: the standard logger prints `llm_call_complete phase=initial duration_ms=… worker_id=…` lines.
        LoggingSystem.bootstrap(StreamLogHandler.standardError)  // info and above, as swift-log's default
        let base = directory
        let seed = seed
        let outcomes = await withTaskGroup(of: WorkerOutcome.self) { group in
            for index in 0..<workers {
                group.addTask {
                    var worker = SimulatedWorker(index: index, seed: seed)
                    return await worker.run(in: base)
                }
            }
            var outcomes: [WorkerOutcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.index < $1.index }
        }
        for outcome in outcomes.prefix(show) {
            print("Result from worker job \(outcome.index + 1) (worker \(outcome.workerID)):\n")
            print(outcome.annotatedResult + "\n")
        }
        print(Self.report(outcomes, directory: base))
    }

    /// The run's tally, and a check that no worker's file holds another worker's events.
    static func report(_ outcomes: [WorkerOutcome], directory: String) -> String {
        let events = outcomes.reduce(0) { $0 + $1.eventCount }
        let failedTools = outcomes.reduce(0) { $0 + $1.failedTools }
        let unwritten = outcomes.filter { $0.writeError != nil }
        var lines = [
            "workers: \(outcomes.count), events: \(events), failed tool calls: \(failedTools)",
            "tier 1: every result ends with its execution time (\(outcomes.filter(\.hasExecutionTime).count) of \(outcomes.count))",
        ]
        if unwritten.isEmpty {
            var foreign = 0
            for outcome in outcomes {
                let path = outcome.folder + "/metrics.jsonl"
                let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                foreign +=
                    text.split(separator: "\n").filter { !$0.contains("\"worker_id\":\"\(outcome.workerID)\"") }.count
            }
            lines.append(
                "tier 2: \(outcomes.count) metrics.jsonl files under \(directory); lines of another worker: \(foreign)"
            )
            lines.append("look at them: vitals summary \(directory)/*/metrics.jsonl")
        } else {
            let reason = unwritten.first?.writeError ?? ""
            lines.append(
                "tier 2: metrics.jsonl not written for \(unwritten.count) workers (\(reason)); every worker still finished"
            )
        }
        lines.append("tier 3: one llm_call_complete / tool_call_complete line per call on standard error")
        return lines.joined(separator: "\n")
    }
}
