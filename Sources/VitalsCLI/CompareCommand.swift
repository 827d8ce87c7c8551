import ArgumentParser
import Vitals
import VitalsRules

/// `vitals compare`: per-operation regression verdicts between a baseline and a current run.
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare operation durations of a baseline and a current run.",
        discussion: """
            Per operation: median and p95 of both runs, their ratio, a Mann–Whitney U test, and a verdict. An \
            operation regressed only if the change is significant (p < --alpha) AND the median grew by more than \
            --min-change AND by more than --min-delta. Durations are kept per operation up to 100,000 values, \
            then sampled uniformly (seeded, repeatable).
            BASELINE and CURRENT are files or quoted glob patterns ('runs/base-*.jsonl').
            Exit status: 0 no significant change, 1 a regression, 4 only improvements, 2 bad input.
            """
    )

    @Argument(help: "Baseline JSONL file or glob pattern.")
    var baseline: String?

    @Argument(help: "Current JSONL file or glob pattern.")
    var current: String?

    @Option(name: .long, help: "Significance level of the two-sided test.")
    var alpha = "0.01"

    @Option(name: .long, help: "Smallest relative change of the median that counts (10% or 0.1).")
    var minChange = "10%"

    @Option(
        name: .long,
        help: "Smallest absolute change of the median that counts (1ms, 500us, …; a bare number is seconds)."
    )
    var minDelta = "1ms"

    @Option(name: .long, help: "Also split operations by this label or attribute; repeat for several.")
    var by: [String] = []

    @Option(name: .long, help: "Output format: text, markdown or json.")
    var format = "text"

    @Flag(name: .long, help: "Skip lines that are not valid events (reported on standard error) instead of failing.")
    var skipBadLines = false

    func run() async throws {
        let format = try CommandSupport.format(format, as: CompareFormat.self, subcommand: "compare")
        guard let baseline, let current else {
            throw CommandSupport.badInput("compare", "expected BASELINE and CURRENT (files or glob patterns)")
        }
        var options = RegressionOptions()
        options.groupBy = by
        guard let alpha = Double(alpha), alpha > 0, alpha < 1 else {
            throw CommandSupport.badInput(
                "compare",
                "--alpha \(self.alpha): expected a probability between 0 and 1, e.g. 0.01"
            )
        }
        options.alpha = alpha
        guard let change = QuantityText.ratio(minChange) else {
            throw CommandSupport.badInput(
                "compare",
                "--min-change \(minChange): expected a percentage or fraction, e.g. 10%"
            )
        }
        options.minimumRelativeChange = change
        guard let delta = DurationText.milliseconds(minDelta) else {
            throw CommandSupport.badInput("compare", "--min-delta \(minDelta): expected a \(DurationText.expected)")
        }
        options.minimumAbsoluteMilliseconds = delta
        let old = try read(baseline, options: options)
        let new = try read(current, options: options)
        let report = ComparisonReport(baseline: old, current: new, options: options)
        try CommandSupport.emit(report.render(format), to: nil, subcommand: "compare")
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }

    private func read(_ argument: String, options: RegressionOptions) throws(ExitCode) -> DurationSampleSet {
        var samples = DurationSampleSet(groupBy: options.groupBy, capacity: options.reservoirCapacity)
        do {
            let paths = try JSONLInput.expand(argument)
            try JSONLInput.read(
                paths: paths,
                strict: !skipBadLines,
                onBadLine: { CommandSupport.printError($0.description) },
                { record in
                    if case .event(let event) = record { samples.add(event) }
                }
            )
        } catch {
            throw CommandSupport.badInput(nil, error.description)
        }
        return samples
    }
}
