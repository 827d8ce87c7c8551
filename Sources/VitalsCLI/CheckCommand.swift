import ArgumentParser
import Vitals
import VitalsAlerting
import VitalsRules
import VitalsStore

/// `vitals check`: evaluate performance contracts over JSONL files and gate on blocking violations.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Evaluate rules (performance contracts) over JSONL files or a store.",
        discussion: """
            Exit status: 0 when rules were evaluated and no blocking rule is violated, 1 when one is or when no \
            rule matched any data ("no data"), 2 on bad input (an invalid rule file, an unknown pack, an \
            unreadable file or a bad line).
            With --database the rules read the store's buckets over the last --since (default 1h).
            Built-in packs: \(RulePacks.names.joined(separator: ", ")) (see `vitals rules list`).
            """
    )

    @Option(name: .long, help: "A rule file or built-in pack; repeat for several.")
    var rules: [String] = []

    @Option(name: .long, help: "Output format: text, markdown, json or junit.")
    var format = "text"

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Flag(name: .long, help: "Skip lines that are not valid events (reported on standard error) instead of failing.")
    var skipBadLines = false

    @Option(help: "Evaluate over the data stored in this database (SQLite path or postgres:// URL) instead of files.")
    var database: String?

    @Option(help: "With --database: the window to evaluate, such as 30m, 1h or 7d.")
    var since = "1h"

    @Argument(help: "JSONL files of events and gauge samples (`-` for standard input).")
    var data: [String] = []

    func run() async throws {
        let format = try CommandSupport.format(format, as: CheckFormat.self, subcommand: "check")
        guard !rules.isEmpty else {
            throw CommandSupport.badInput("check", "no rules; expected --rules FILE or --rules PACK")
        }
        try CommandSupport.requireFilesOrDatabase(data, database, subcommand: "check")
        var sets: [RuleSet] = []
        let selected: [Rule]
        do {
            for name in rules { sets.append(try RuleSet.resolve(name)) }
            selected = try RuleSet.combined(sets)
        } catch {
            throw CommandSupport.badInput(nil, error.description)
        }
        if let database {
            let report: CheckReport
            do {
                let window = try StoreSummary.parseSince(since)
                report = try await StoreOpening.withStore(database) { store in
                    try await StoreAnalysis.check(selected, store: store, range: .last(window))
                }
            } catch {
                throw CommandSupport.badInput("check", "\(error)")
            }
            try CommandSupport.emit(report.render(format), to: output, subcommand: "check")
            if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
            return
        }
        let evaluator: RuleEvaluator
        do {
            evaluator = try await JSONLInput.evaluate(
                selected,
                paths: data,
                strict: !skipBadLines,
                onBadLine: { CommandSupport.printError($0.description) }
            )
        } catch {
            throw CommandSupport.badInput(nil, error.description)
        }
        let report = CheckReport(
            results: evaluator.results(),
            eventCount: evaluator.eventCount,
            sampleCount: evaluator.sampleCount
        )
        try CommandSupport.emit(report.render(format), to: output, subcommand: "check")
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}
