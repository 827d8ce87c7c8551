import ArgumentParser
import Vitals
import VitalsAlerting
import VitalsRules
import VitalsStore

/// `vitals report`: the analysis of JSONL files in text, Markdown, JSON or one self-contained HTML page.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Analyse JSONL files or a store: health, bottlenecks, contracts, regressions, memory, recommendations.",
        discussion: """
            With --database the report reads the store's buckets over the last --since (default 24h).
            Without --rules every built-in pack is evaluated; rules without data are listed, not violated.
            With --baseline the durations are compared as `vitals compare` does.
            Exit status: 0 when the report was written, 2 on bad input.
            """
    )

    @Option(name: .long, help: "A rule file or built-in pack; repeat for several (default: all packs).")
    var rules: [String] = []

    @Option(name: .long, help: "Baseline JSONL file or glob pattern to compare durations with.")
    var baseline: String?

    @Option(name: .long, help: "Output format: text, markdown, json or html.")
    var format = "text"

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .long, help: "The report's title.")
    var title = "Vitals performance report"

    @Option(name: .long, help: "Memory limit for the efficiency score (e.g. 100MB).")
    var memoryLimit = "100MB"

    @Flag(name: .long, help: "Skip lines that are not valid events (reported on standard error) instead of failing.")
    var skipBadLines = false

    @Option(help: "Analyse the data stored in this database (SQLite path or postgres:// URL) instead of files.")
    var database: String?

    @Option(help: "With --database: the window to analyse, such as 1h, 24h or 7d.")
    var since = "24h"

    @Argument(help: "JSONL files of events and gauge samples (`-` for standard input).")
    var data: [String] = []

    func run() async throws {
        let format = try CommandSupport.format(format, as: ReportFormat.self, subcommand: "report")
        try CommandSupport.requireFilesOrDatabase(data, database, subcommand: "report")
        var options = ReportOptions()
        options.title = title
        guard let limit = QuantityText.megabytes(memoryLimit) else {
            throw CommandSupport.badInput("report", "--memory-limit \(memoryLimit): expected a size, e.g. 100MB")
        }
        options.memoryLimitMegabytes = limit
        let selected: [Rule]
        do {
            let sets =
                rules.isEmpty ? RulePacks.all : try rules.map { name throws(RuleError) in try RuleSet.resolve(name) }
            selected = try RuleSet.combined(sets)
        } catch {
            throw CommandSupport.badInput(nil, error.description)
        }
        if let database {
            guard baseline == nil else {
                throw CommandSupport.badInput("report", "--baseline works with files only")
            }
            let report: PerformanceReport
            do {
                let window = try StoreSummary.parseSince(since)
                report = try await StoreOpening.withStore(database) { store in
                    try await StoreAnalysis.report(selected, store: store, range: .last(window), options: options)
                }
            } catch {
                throw CommandSupport.badInput("report", "\(error)")
            }
            try CommandSupport.emit(report.render(format), to: output, subcommand: "report")
            return
        }
        let onBadLine: (InputError) -> Void = { CommandSupport.printError($0.description) }
        var baselineSamples: DurationSampleSet?
        let report: PerformanceReport
        do throws(InputError) {
            if let baseline {
                var samples = DurationSampleSet(capacity: options.regression.reservoirCapacity)
                try JSONLInput.read(paths: try JSONLInput.expand(baseline), strict: !skipBadLines, onBadLine: onBadLine)
                {
                    if case .event(let event) = $0 { samples.add(event) }
                }
                baselineSamples = samples
            }
            var builder = ReportBuilder(rules: selected, baseline: baselineSamples, options: options)
            try JSONLInput.read(paths: data, strict: !skipBadLines, onBadLine: onBadLine) { builder.add($0) }
            report = builder.build()
        } catch {
            throw CommandSupport.badInput(nil, error.description)
        }
        try CommandSupport.emit(report.render(format), to: output, subcommand: "report")
    }
}
