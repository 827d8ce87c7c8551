#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Musl)
private let systemWrite = Musl.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif

/// The one writer to standard error and standard output: the log handler's lines and the command line's
/// messages go through it, each text in whole `write` calls under one process-wide lock, so that lines from
/// concurrent writers never interleave.
///
/// ```swift
/// FileDescriptorWriter.writeLine("vitals check: no rules", to: FileDescriptorWriter.standardError)
/// ```
package enum FileDescriptorWriter {
    /// Standard output's descriptor.
    package static let standardOutput: Int32 = 1
    /// Standard error's descriptor.
    package static let standardError: Int32 = 2

    private static let lock = LockedValue(())

    /// Writes `line` and a newline.
    package static func writeLine(_ line: String, to descriptor: Int32) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        write(bytes, to: descriptor)
    }

    /// Writes `text` as it is (progress lines rewrite themselves with `\r`).
    package static func write(_ text: String, to descriptor: Int32) {
        write(Array(text.utf8), to: descriptor)
    }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) {
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
                        // A closed or full descriptor: writing a message never fails the caller, the text is dropped.
                        return
                    }
                }
            }
        }
    }
}
