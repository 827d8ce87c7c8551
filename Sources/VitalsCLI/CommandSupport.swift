import ArgumentParser
import Foundation

/// Output helpers shared by the subcommands: errors go to standard error as one line, reports to standard
/// output or a file.
enum CommandSupport {
    /// Writes one line to standard error.
    static func printError(_ message: String) {
        writeStandardError(message + "\n")
    }

    /// Writes `text` as it is to standard error (progress lines rewrite themselves with `\r`).
    static func writeStandardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Writes `text` to `path`, or to standard output when `path` is `nil` or `-`.
    static func emit(_ text: String, to path: String?) throws(ExitCode) {
        guard let path, path != "-" else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            printError("\(path): cannot write the output (\(error.localizedDescription))")
            throw ExitCode(2)
        }
    }

    /// The value of a format option, or a one-line error and `badInput` as the exit status.
    static func format<Format: RawRepresentable & CaseIterable>(
        _ text: String,
        as type: Format.Type,
        badInput: Int32
    ) throws(ExitCode) -> Format where Format.RawValue == String {
        guard let format = Format(rawValue: text) else {
            let names = Format.allCases.map(\.rawValue).joined(separator: ", ")
            printError("--format \(text): unknown format; expected one of \(names)")
            throw ExitCode(badInput)
        }
        return format
    }
}
