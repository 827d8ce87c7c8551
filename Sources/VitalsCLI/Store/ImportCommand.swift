import ArgumentParser
import Foundation
import Vitals
import VitalsStore

/// `vitals import FILE… --database PATH|URL`: loads JSONL events and gauge samples into a store.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load JSONL events and gauge samples into a store (SQLite file or PostgreSQL).",
        discussion: """
            Bad lines are rejected one by one (file, line, reason) and the good lines around them are kept.
            Exit status: 0 when every line was stored, 1 when some were rejected, 2 when a file or the
            database could not be used.
            """
    )

    @Argument(help: "JSONL files to load; - reads standard input.")
    var files: [String]

    @Option(help: "The store: a SQLite file path, or a postgres:// URL.")
    var database: String = "vitals.db"

    @Option(help: "Records per batch (one commit each).")
    var batchSize: Int = 1_000

    func run() async throws {
        let showsProgress = isatty(STDERR_FILENO) != 0
        // Every file must be readable before anything is stored, so a typo in the last name stores nothing.
        for file in files where file != "-" && !FileManager.default.isReadableFile(atPath: file) {
            throw CommandSupport.badInput("import", "\(file): no such readable file; nothing was imported")
        }
        let report: JSONLImporter.Report
        do {
            report = try await StoreOpening.withStore(database) { store in
                var importer = JSONLImporter(store: store, batchSize: batchSize)
                for file in files {
                    try await importer.importFile(path: file) { progress in
                        guard showsProgress else { return }
                        CommandSupport.writeStandardError(
                            "\r\(progress.file): \(progress.linesRead) lines, \(progress.accepted) accepted, "
                                + "\(progress.rejected) rejected\u{1B}[K"
                        )
                    }
                }
                return importer.report
            }
        } catch {
            if showsProgress { CommandSupport.writeStandardError("\r\u{1B}[K") }
            throw CommandSupport.badInput("import", "\(error)")
        }
        if showsProgress { CommandSupport.writeStandardError("\r\u{1B}[K") }
        for rejection in report.rejections { CommandSupport.printError("rejected \(rejection)") }
        if report.rejectedCount > report.rejections.count {
            CommandSupport.printError("… and \(report.rejectedCount - report.rejections.count) more rejected lines")
        }
        print(report.summaryLine(database: Self.displayName(database)))
        if report.rejectedCount > 0 { throw ExitCode(1) }
    }

    /// The location without a password, for messages.
    static func displayName(_ location: String) -> String {
        guard var components = URLComponents(string: location), components.password != nil else { return location }
        components.password = "***"
        return components.string ?? location
    }
}
