import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where ``VitalsLogHandler`` writes its lines: standard error, standard output, or a function of yours.
///
/// ```swift
/// let handler = VitalsLogHandler(label: "worker", output: .custom { line in buffer.append(line) })
/// ```
public struct LogLineOutput: Sendable {
    let write: @Sendable (String) -> Void

    /// Standard error, one `write` per line, lines from concurrent loggers never interleaved.
    public static let standardError = LogLineOutput { line in FileDescriptorWriter.write(line, to: 2) }

    /// Standard output, one `write` per line, lines from concurrent loggers never interleaved.
    public static let standardOutput = LogLineOutput { line in FileDescriptorWriter.write(line, to: 1) }

    /// Hands every line (without its newline) to `write`, on the logging thread; `write` must not block for long.
    ///
    /// - Parameter write: Receives each line.
    /// - Returns: The output.
    public static func custom(_ write: @escaping @Sendable (String) -> Void) -> LogLineOutput {
        LogLineOutput(write: write)
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Musl)
private let systemWrite = Musl.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif

/// Writes whole lines to a file descriptor under one process-wide lock.
enum FileDescriptorWriter {
    private static let lock = Mutex<Void>(())

    static func write(_ line: String, to descriptor: Int32) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        lock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0 && errno == EINTR {
                        continue
                    } else {
                        // A closed or full descriptor: logging never fails the caller, the line is dropped.
                        return
                    }
                }
            }
        }
    }
}
