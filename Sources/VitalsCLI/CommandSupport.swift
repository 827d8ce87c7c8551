import ArgumentParser
import Foundation
import Vitals

/// Output helpers shared by the subcommands: messages go to standard error as one line
/// (`vitals SUBCOMMAND: message`), reports to standard output or a file, and bad input is exit status 2 for
/// every subcommand.
enum CommandSupport {
    /// The exit status of bad input — a malformed flag value, an unreadable file, a malformed rule file — for
    /// every subcommand; 1 and 4 are left to verdicts (a violated contract, a regression, improvements only).
    static let badInputStatus: Int32 = 2

    /// Writes `vitals SUBCOMMAND: message` to standard error — only `message` when `subcommand` is `nil`, for
    /// errors that already begin with the file and line they name — and returns exit status 2, to be thrown.
    ///
    /// ```swift
    /// guard let alpha = Double(text) else { throw CommandSupport.badInput("compare", "--alpha \(text): …") }
    /// ```
    static func badInput(_ subcommand: String?, _ message: String) -> ExitCode {
        printError(subcommand.map { "vitals \($0): \(message)" } ?? message)
        return ExitCode(badInputStatus)
    }

    /// Checks that a command reads either data files or `--database`, one of the two.
    ///
    /// - Throws: The bad-input exit status (2) when both or neither are given.
    static func requireFilesOrDatabase(_ files: [String], _ database: String?, subcommand: String) throws {
        guard files.isEmpty != (database == nil) else {
            throw badInput(
                subcommand,
                database == nil
                    ? "no data files; expected one or more JSONL files, or --database"
                    : "give either files or --database, not both"
            )
        }
    }

    /// Writes one line to standard error.
    static func printError(_ message: String) {
        FileDescriptorWriter.writeLine(message, to: FileDescriptorWriter.standardError)
    }

    /// Writes `text` as it is to standard error (progress lines rewrite themselves with `\r`).
    static func writeStandardError(_ text: String) {
        FileDescriptorWriter.write(text, to: FileDescriptorWriter.standardError)
    }

    /// Writes `text` to `path`, or to standard output when `path` is `nil` or `-`.
    static func emit(_ text: String, to path: String?, subcommand: String) throws(ExitCode) {
        guard let path, path != "-" else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw badInput(subcommand, "\(path): cannot write the output (\(error.localizedDescription))")
        }
    }

    /// The value of a format option, or a one-line error and exit status 2.
    static func format<Format: RawRepresentable & CaseIterable>(
        _ text: String,
        as type: Format.Type,
        subcommand: String
    ) throws(ExitCode) -> Format where Format.RawValue == String {
        guard let format = Format(rawValue: text) else {
            let names = Format.allCases.map(\.rawValue).joined(separator: ", ")
            throw badInput(subcommand, "--format \(text): unknown format; expected one of \(names)")
        }
        return format
    }
}
