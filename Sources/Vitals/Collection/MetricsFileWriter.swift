import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Appends bytes to a file, creating its directory first; the I/O half of `EventCollector.flush()`.
///
/// One `open(O_APPEND)` + write loop per flush: appends from several processes to the same file interleave
/// whole writes rather than corrupting each other's lines, and nothing stays open between flushes.
enum MetricsFileWriter {
    struct WriteError: Error, CustomStringConvertible {
        var description: String
    }

    static func append(_ bytes: [UInt8], toFile fileName: String, inDirectory directory: String) throws(WriteError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw WriteError(description: "cannot create directory \(directory): \(error)")
        }
        let path = directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw WriteError(description: "cannot open \(path): \(lastErrorText())")
        }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw WriteError(description: "cannot write \(path): \(lastErrorText())")
            }
            written += result
        }
    }

    private static func lastErrorText() -> String {
        String(cString: strerror(errno))
    }
}
