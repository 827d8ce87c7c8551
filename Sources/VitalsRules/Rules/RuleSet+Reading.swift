#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension RuleSet {
    /// The largest rule file read: 4 MiB. The largest packs are a few kilobytes; a file past this is a mistake
    /// (a data file passed as rules, `/dev/zero`), and parsing it would take memory many times its size.
    public static let maximumFileBytes = 4 << 20

    /// The text of a rule file, read without ever holding more than ``maximumFileBytes`` + 1 bytes of it.
    ///
    /// A regular file's size is checked before anything is read. Pipes and devices (`<(command)`, `/dev/stdin`)
    /// are read up to the limit and refused past it, so `/dev/zero` is refused at once. The file is opened
    /// without blocking, so a FIFO that nobody writes reads as empty instead of hanging; directories are
    /// refused by name.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - limit: The largest size accepted, in bytes.
    /// - Returns: The file's text.
    /// - Throws: ``RuleError`` of code ``RuleError/Code/tooLarge`` past the limit, ``RuleError/Code/unreadable``
    ///   when the file cannot be opened or read or is not UTF-8.
    static func readFile(_ path: String, limit: Int = maximumFileBytes) throws(RuleError) -> String {
        let descriptor = try openWithoutWaiting(path)
        defer { _ = close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw unreadable(path, "cannot stat it (\(lastError()))") }
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR { throw unreadable(path, "it is a directory") }
        if type == S_IFREG && Int(info.st_size) > limit { throw tooLarge(path, size: Int(info.st_size), limit) }
        // Reads block from here on (a pipe's writer may be slow); only the open had to not wait for one.
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        var bytes: [UInt8] = []
        let capacity = min(limit + 1, type == S_IFREG ? Int(info.st_size) + 1 : 64 * 1024)
        bytes.reserveCapacity(capacity)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count <= limit {
            let wanted = min(chunk.count, limit + 1 - bytes.count)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, wanted) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw unreadable(path, "cannot read it (\(lastError()))")
            }
            bytes.append(contentsOf: chunk[..<count])
        }
        if bytes.count > limit { throw tooLarge(path, size: nil, limit) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw unreadable(path, "it is not UTF-8 text")
        }
        return text
    }

    private static func openWithoutWaiting(_ path: String) throws(RuleError) -> Int32 {
        while true {
            let descriptor = path.withCString { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
            if descriptor >= 0 { return descriptor }
            if errno == EINTR { continue }
            throw unreadable(path, "cannot open it (\(lastError()))")
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }

    private static func unreadable(_ path: String, _ problem: String) -> RuleError {
        RuleError(
            code: .unreadable,
            file: path,
            line: 0,
            column: 0,
            message: "cannot read the rule file: \(problem); expected a readable YAML file"
        )
    }

    private static func tooLarge(_ path: String, size: Int?, _ limit: Int) -> RuleError {
        let size = size.map { "\($0) bytes" } ?? "more than \(limit) bytes"
        return RuleError(
            code: .tooLarge,
            file: path,
            line: 0,
            column: 0,
            message: "the rule file is \(size), over the limit of \(limit) bytes (4 MiB); "
                + "expected a rule file of at most \(limit) bytes"
        )
    }
}
