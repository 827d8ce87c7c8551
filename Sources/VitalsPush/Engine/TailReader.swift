#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the complete lines appended to a file since the last read, as `tail -f` does.
///
/// `JSONLReader` cannot do this: it reports the end of its input once and for all, and hands out a last line
/// without `\n` as complete, while a writer may be halfway through it. Here a line is only delivered once its
/// `\n` has arrived; until then its bytes wait. A file truncated in place (log rotation by copy and
/// truncate) is read again from its start.
final class TailReader {
    enum Item {
        /// A non-blank line without its line break (and `\r`).
        case line(number: Int, bytes: [UInt8])
        /// A line longer than the maximum, skipped.
        case tooLong(number: Int)
    }

    let name: String
    let maximumLineLength: Int
    private let descriptor: Int32
    private var chunk: [UInt8]
    /// The start of a line whose `\n` has not arrived yet.
    private var pending: [UInt8] = []
    /// Discarding the rest of a line already reported as too long.
    private var skipping = false
    private var lineNumber = 0
    private var position = 0

    init(path: String, maximumLineLength: Int, chunkSize: Int = 1 << 16) throws(PushError) {
        var descriptor: Int32
        repeat {
            descriptor = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { throw Self.failure("cannot open", path) }
        self.descriptor = descriptor
        self.name = path
        self.maximumLineLength = maximumLineLength
        self.chunk = [UInt8](repeating: 0, count: max(chunkSize, 16))
    }

    deinit {
        close(descriptor)
    }

    /// The lines completed by the next chunk of the file, or `nil` when nothing was appended since the last
    /// call.
    func readAppended() throws(PushError) -> [Item]? {
        let count = chunk.withUnsafeMutableBytes { buffer in
            var result: Int
            repeat {
                result = read(descriptor, buffer.baseAddress, buffer.count)
            } while result < 0 && errno == EINTR
            return result
        }
        guard count >= 0 else { throw Self.failure("cannot read", name) }
        guard count > 0 else {
            restartIfTruncated()
            return nil
        }
        position += count
        var items: [Item] = []
        var start = 0
        while let newline = chunk[start..<count].firstIndex(of: UInt8(ascii: "\n")) {
            lineNumber += 1
            if skipping {
                skipping = false
                pending.removeAll(keepingCapacity: true)
            } else {
                var bytes = pending
                bytes.append(contentsOf: chunk[start..<newline])
                pending.removeAll(keepingCapacity: true)
                if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
                if bytes.count > maximumLineLength {
                    items.append(.tooLong(number: lineNumber))
                } else if bytes.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) {
                    items.append(.line(number: lineNumber, bytes: bytes))
                }
            }
            start = newline + 1
        }
        if !skipping {
            pending.append(contentsOf: chunk[start..<count])
            // One byte of slack for a `\r` that may come before the `\n`.
            if pending.count > maximumLineLength + 1 {
                items.append(.tooLong(number: lineNumber + 1))
                skipping = true
                pending.removeAll()
            }
        }
        return items
    }

    private func restartIfTruncated() {
        var info = stat()
        guard fstat(descriptor, &info) == 0, Int(info.st_size) < position else { return }
        _ = lseek(descriptor, 0, SEEK_SET)
        position = 0
        lineNumber = 0
        pending.removeAll()
        skipping = false
    }

    private static func failure(_ action: String, _ path: String) -> PushError {
        PushError(code: .unreadableInput, message: "\(action) \(path): \(String(cString: strerror(errno)))")
    }
}
