import ArgumentParser
import Vitals

struct SummaryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Summarise JSONL event files: per operation count, errors, total, avg, min, max, p50/p95/p99.",
        discussion: """
            Also lists the slowest and the failed events and totals tokens and cost by model and by tool.
            Files of any size are streamed; large files are read on every core. Bad lines are reported on
            stderr as FILE:LINE: reason and skipped (exit status 2 with --strict).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "JSONL files to read; - reads standard input.")
    var files: [String] = ["-"]

    @Option(name: .long, help: "Group each operation by this label or attribute (repeatable).")
    var by: [String] = []

    @Option(help: "How many of the slowest events to list.")
    var slowest = 10

    @Option(help: "How many failed events to list.")
    var failed = 20

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Flag(help: "Exit with status 2 when any line was rejected.")
    var strict = false

    @Option(help: "Threads for one large file (default: one per core).")
    var threads: Int?

    @Option(help: "Summarise the events stored in this database (SQLite path or postgres:// URL) instead of files.")
    var database: String?

    @Option(help: "With --database: the window to summarise, such as 30m, 24h or 7d.")
    var since = "24h"

    func run() async throws {
        if let database {
            try await runFromStore(database)
            return
        }
        let runner = SummaryRunner(
            options: SummaryOptions(groupBy: by, slowestLimit: slowest, failedLimit: failed),
            parallelism: threads ?? SystemInfo.activeProcessorCount
        )
        let result: SummaryRunner.Result
        do {
            result = try runner.run(paths: files)
        } catch {
            throw CommandSupport.badInput("summary", "\(error)")
        }
        for error in result.errors { CommandSupport.printError(error.description) }
        if result.rejectedLines > result.errors.count {
            CommandSupport.printError("… \(result.rejectedLines - result.errors.count) more rejected lines not shown")
        }
        switch format {
        case .json:
            print(result.summary.renderJSON())
        case .text:
            let fileWord = files.count == 1 ? "file" : "files"
            print(
                "\(result.summary.eventCount) events, \(result.summary.sampleCount) gauge samples from "
                    + "\(files.count) \(fileWord); \(result.rejectedLines) lines rejected\n"
            )
            print(result.summary.renderText(), terminator: "")
        }
        if strict && result.rejectedLines > 0 {
            throw ExitCode(CommandSupport.badInputStatus)
        }
    }
}
