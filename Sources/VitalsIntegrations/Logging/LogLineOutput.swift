import Vitals

/// Where ``VitalsLogHandler`` writes its lines: standard error, standard output, or a function of yours.
///
/// ```swift
/// let handler = VitalsLogHandler(label: "worker", output: .custom { line in buffer.append(line) })
/// ```
public struct LogLineOutput: Sendable {
    let write: @Sendable (String) -> Void

    /// Standard error, one `write` per line, lines from concurrent loggers never interleaved.
    public static let standardError = LogLineOutput { line in
        FileDescriptorWriter.writeLine(line, to: FileDescriptorWriter.standardError)
    }

    /// Standard output, one `write` per line, lines from concurrent loggers never interleaved.
    public static let standardOutput = LogLineOutput { line in
        FileDescriptorWriter.writeLine(line, to: FileDescriptorWriter.standardOutput)
    }

    /// Hands every line (without its newline) to `write`, on the logging thread; `write` must not block for long.
    ///
    /// - Parameter write: Receives each line.
    /// - Returns: The output.
    public static func custom(_ write: @escaping @Sendable (String) -> Void) -> LogLineOutput {
        LogLineOutput(write: write)
    }
}
