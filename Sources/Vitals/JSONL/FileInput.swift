#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the POSIX calls the JSONL reader needs, turning failures into ``JSONLError``s that
/// name the file.
enum FileInput {
    /// Opens `path` for reading.
    static func openFile(_ path: String) throws(JSONLError) -> Int32 {
        while true {
            let descriptor = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
            if descriptor >= 0 { return descriptor }
            if errno == EINTR { continue }
            throw failure("cannot open", path)
        }
    }

    /// The size of a regular file, or an error naming the file when it is something else (a pipe, a
    /// directory), which cannot be split into ranges.
    static func regularFileSize(_ descriptor: Int32, name: String) throws(JSONLError) -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("cannot stat", name) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw JSONLError(code: .readFailed, reason: "\(name) is not a regular file", file: name)
        }
        return Int(info.st_size)
    }

    /// Reads up to `count` bytes at `offset` (or at the current position when `offset` is `nil`); 0 means end
    /// of file.
    static func readBytes(
        _ descriptor: Int32,
        into buffer: UnsafeMutableRawPointer,
        count: Int,
        offset: Int?,
        name: String
    ) throws(JSONLError) -> Int {
        while true {
            let result: Int
            if let offset {
                result = pread(descriptor, buffer, count, off_t(offset))
            } else {
                result = read(descriptor, buffer, count)
            }
            if result >= 0 { return result }
            if errno == EINTR { continue }
            throw failure("cannot read", name)
        }
    }

    static func closeFile(_ descriptor: Int32) {
        _ = close(descriptor)
    }

    private static func failure(_ action: String, _ name: String) -> JSONLError {
        let message = String(cString: strerror(errno))
        return JSONLError(code: .readFailed, reason: "\(action) \(name): \(message)", file: name)
    }
}
