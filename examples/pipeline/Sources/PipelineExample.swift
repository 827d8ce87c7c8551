import ArgumentParser
import Foundation
import Vitals
import VitalsRules

/// The pipeline performance monitor of the original (seed 001) on Vitals: a 57-session run recorded with adaptive
/// sampling and self-monitoring, gated by its performance contracts and golden invariants, compared with a
/// baseline, its memory trend tested for a leak, an optimisation plan, and an HTML snapshot of it all.
@main
struct PipelineExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vitals-example-pipeline",
        abstract: "Run the simulated pipeline and gate it on its contracts (see examples/pipeline/README.md).",
        discussion: "Exit status: 0 production ready, 1 blocked (like vitals check), 2 bad input."
    )

    @Option(help: "Where the run is written: run.jsonl and report.html.")
    var directory = "pipeline-run"

    @Option(help: "The contracts and invariants: a rule file or a built-in pack.")
    var rules = "examples/pipeline/contracts.yml"

    @Option(help: "A previous run.jsonl to compare with.")
    var baseline: String?

    @Option(help: "The seed of the simulated run.")
    var seed: UInt64 = 1

    @Flag(help: "Sessions take longer (2 to 2.9 s), and session 41 takes 3.4 s (past the 3 s contract).")
    var degraded = false

    @Flag(help: "Memory grows by 0.6 MB a session.")
    var leak = false

    func run() async throws {
        let contracts = try RuleSet.resolve(rules).rules
        // Adaptive sampling: past 2,000 raw events a second, the collector keeps 1 in 2, 1 in 4, … (each kept one
        // says how many it stands for); the per-operation counts still see every event.
        var settings = EventCollector.Configuration()
        settings.maximumRawEventsPerSecond = 2_000
        settings.fileName = "run.jsonl"
        let collector = EventCollector(workerID: "pipeline-\(seed)", directory: directory, configuration: settings)

        var run = PipelineRun(random: SplitMix64(seed: seed), degraded: degraded, leak: leak)
        let samples = run.record(into: collector, monitorOverheadMilliseconds: Self.monitorOverhead())
        // A noisy poller on top: 5,000 events in the same second, which the budget thins.
        for index in 0..<5_000 {
            collector.record(Event(name: "queue_poll", durationMilliseconds: Double(index % 7)))
        }
        guard collector.flush() else {
            throw ValidationError(
                "cannot write \(collector.metricsFilePath ?? directory): \(collector.lastWriteError ?? "")"
            )
        }
        guard let path = collector.metricsFilePath else { throw ValidationError("no directory") }
        // The memory readings, as gauge lines after the events.
        let gauges = samples.map { JSONLEncoder().encode(.sample($0)) + "\n" }.joined()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(gauges.utf8))
        try handle.close()
        let polls = collector.aggregates.first { $0.name == "queue_poll" }?.statistics.count ?? 0
        print("run: \(path) — \(collector.events.count) raw events kept, \(samples.count) memory samples")
        print("adaptive sampling: \(polls) queue_poll events counted, \(collector.sampledOutCount) not kept raw")

        var evaluator = RuleEvaluator(rules: contracts)
        var options = ReportOptions()
        options.title = "Pipeline run (seed \(seed))"
        var builder = ReportBuilder(rules: contracts, baseline: try baseline.map(Self.durations), options: options)
        try JSONLInput.read(paths: [path], strict: true, onBadLine: { _ in }) { record in
            evaluator.add(record)
            builder.add(record)
        }
        let check = CheckReport(
            results: evaluator.results(),
            eventCount: evaluator.eventCount,
            sampleCount: evaluator.sampleCount
        )
        print("\n" + check.render(.text))
        let report = builder.build()
        print(report.render(.text))
        let snapshot = directory + "/report.html"
        try report.render(.html).write(toFile: snapshot, atomically: true, encoding: .utf8)
        print("snapshot: \(snapshot)")
        print("gate it in CI: vitals check --rules \(rules) \(path)")
        if check.exitStatus != 0 { throw ExitCode(check.exitStatus) }
    }

    /// The monitor's own cost per measurement: recording one event into a collector, the median of 21 rounds of
    /// 1,000 (self-monitoring, as the original's `SelfPerformanceMonitor` did).
    static func monitorOverhead() -> Double {
        let scratch = EventCollector(configuration: EventCollector.Configuration(maximumRetainedEvents: 1_000))
        let probe = Event(name: "probe", durationMilliseconds: 1)
        var rounds: [Double] = []
        for _ in 0..<21 {
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<1_000 { scratch.record(probe) }
            let elapsed = start.duration(to: clock.now).components
            rounds.append((Double(elapsed.seconds) * 1e3 + Double(elapsed.attoseconds) / 1e15) / 1_000)
        }
        return rounds.sorted()[rounds.count / 2]
    }

    static func durations(_ path: String) throws -> DurationSampleSet {
        var samples = DurationSampleSet()
        try JSONLInput.read(paths: [path], strict: true, onBadLine: { _ in }) { record in
            if case .event(let event) = record { samples.add(event) }
        }
        return samples
    }
}
