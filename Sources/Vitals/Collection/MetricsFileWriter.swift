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
        try createDirectory(directory)
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

    /// `mkdir -p`: each missing folder of `directory` is made; the error names the folder and the system's reason
    /// (`Not a directory`, `Permission denied`).
    static func createDirectory(_ directory: String) throws(WriteError) {
        var path = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            path += "/" + component
            guard mkdir(path, 0o755) != 0 else { continue }
            let code = errno
            var info = stat()
            if code == EEXIST, stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { continue }
            let reason = code == EEXIST ? "it exists and is not a directory" : String(cString: strerror(code))
            throw WriteError(description: "cannot create directory \(path): \(reason)")
        }
    }
}
