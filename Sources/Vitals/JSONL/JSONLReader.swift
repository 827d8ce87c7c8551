#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams the lines of a JSONL file, a byte range of one, or a file descriptor such as standard input.
///
/// The reader owns one fixed buffer (1 MiB by default) and never holds more than that, whatever the size of
/// the input; ``next()`` hands out each line as a view into it, so reading costs no allocation per line.
/// Lines are numbered from 1, blank lines (only spaces and tabs) are counted but skipped, a `\r` before the
/// `\n` is dropped, and a last line without `\n` is still read. A line longer than ``maximumLineLength`` is
/// not buffered whole: it comes back as a ``Line`` carrying a ``JSONLError/Code/lineTooLong`` error, and the
/// reader moves on to the line after it.
///
/// The reader is noncopyable: it closes the file it opened (not a descriptor it was given) and frees its
/// buffer when it goes away.
///
/// ```swift
/// var reader = try JSONLReader(path: "metrics.jsonl")
/// let decoder = JSONLDecoder()
/// while let line = try reader.next() {
///     if let error = line.error { print(error); continue }
///     do {
///         let record = try decoder.decode(line: line.bytes)
///         _ = record
///     } catch {
///         print(error.withLocation(file: reader.name, line: line.number))
///     }
/// }
/// ```
package struct JSONLReader: ~Copyable {
    /// One line: its 1-based number and its bytes (without `\r\n`), or why it was skipped.
    ///
    /// `bytes` points into the reader's buffer and is valid only until the next call to ``JSONLReader/next()``.
    package struct Line {
        /// The line's number in the file (or byte range), from 1; blank lines count.
        package let number: Int
        /// The line's bytes without the line break; empty when ``error`` is set.
        package let bytes: UnsafeRawBufferPointer
        /// Set when the line was skipped (longer than the maximum); it names the file and line.
        package let error: JSONLError?
    }

    /// The default buffer size: 1 MiB.
    package static let defaultBufferSize = 1 << 20

    /// The file's name as given (`-` or another label for a descriptor), used in errors.
    package let name: String
    /// The longest line delivered, in bytes without the line break.
    package let maximumLineLength: Int
    /// The number of lines consumed so far, blank and skipped ones included. Once ``next()`` has returned
    /// `nil`, the number of lines in the input, which is what ``JSONLFileRanges`` needs to number ranges.
    package private(set) var linesRead = 0

    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let buffer: UnsafeMutableRawPointer
    private let capacity: Int
    /// First byte not yet handed out.
    private var start = 0
    /// End of the bytes read into the buffer.
    private var filled = 0
    /// Where the search for the next `\n` resumes (bytes before it have none).
    private var scanFrom = 0
    /// The file offset of the next read, for byte ranges (`pread`); `nil` reads sequentially.
    private var offset: Int?
    private let rangeEnd: Int?
    private var reachedEnd = false
    /// Discarding the rest of a line that was too long.
    private var skipping = false

    /// Opens a file for reading from its start.
    ///
    /// - Parameters:
    ///   - path: The file to read; pipes and devices such as `/dev/stdin` work too.
    ///   - bufferSize: The buffer size; it is raised to `maximumLineLength + 2` when smaller.
    ///   - maximumLineLength: The longest line delivered; longer ones are reported and skipped.
    /// - Throws: ``JSONLError`` with code ``JSONLError/Code/readFailed`` when the file cannot be opened.
    package init(
        path: String,
        bufferSize: Int = JSONLReader.defaultBufferSize,
        maximumLineLength: Int = JSONLDecoder.defaultMaximumLineLength
    ) throws(JSONLError) {
        try self.init(opening: path, range: nil, bufferSize: bufferSize, maximumLineLength: maximumLineLength)
    }

    /// Opens a file for reading the lines in `byteRange` only, numbered from 1 within the range.
    ///
    /// `byteRange` should start at the beginning of a line; ``JSONLFileRanges`` computes such ranges.
    ///
    /// - Throws: ``JSONLError`` with code ``JSONLError/Code/readFailed`` when the file cannot be opened.
    package init(
        path: String,
        byteRange: Range<Int>,
        bufferSize: Int = JSONLReader.defaultBufferSize,
        maximumLineLength: Int = JSONLDecoder.defaultMaximumLineLength
    ) throws(JSONLError) {
        try self.init(opening: path, range: byteRange, bufferSize: bufferSize, maximumLineLength: maximumLineLength)
    }

    private init(opening path: String, range: Range<Int>?, bufferSize: Int, maximumLineLength: Int) throws(JSONLError) {
        self.init(
            descriptor: try FileInput.openFile(path),
            owns: true,
            name: path,
            range: range,
            bufferSize: bufferSize,
            maximumLineLength: maximumLineLength
        )
    }

    /// Reads from an open file descriptor (standard input is `0`), which the reader does not close.
    ///
    /// - Parameters:
    ///   - fileDescriptor: The descriptor to read from its current position.
    ///   - name: The name used in errors, such as `-` or `<stdin>`.
    package init(
        fileDescriptor: Int32,
        name: String,
        bufferSize: Int = JSONLReader.defaultBufferSize,
        maximumLineLength: Int = JSONLDecoder.defaultMaximumLineLength
    ) {
        self.init(
            descriptor: fileDescriptor,
            owns: false,
            name: name,
            range: nil,
            bufferSize: bufferSize,
            maximumLineLength: maximumLineLength
        )
    }

    private init(
        descriptor: Int32,
        owns: Bool,
        name: String,
        range: Range<Int>?,
        bufferSize: Int,
        maximumLineLength: Int
    ) {
        self.descriptor = descriptor
        self.ownsDescriptor = owns
        self.name = name
        self.maximumLineLength = max(0, maximumLineLength)
        // Room for a whole line of the maximum length plus its `\r`, so that a line is only ever found too
        // long when it is.
        self.capacity = max(bufferSize, self.maximumLineLength + 2, 16)
        self.buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        self.offset = range?.lowerBound
        self.rangeEnd = range?.upperBound
    }

    deinit {
        if ownsDescriptor { FileInput.closeFile(descriptor) }
        buffer.deallocate()
    }

    /// The next non-blank line, or `nil` at the end of the input.
    ///
    /// - Returns: The line; its bytes stay valid until the next call.
    /// - Throws: ``JSONLError`` with code ``JSONLError/Code/readFailed`` when reading fails; reading cannot go
    ///   on after that.
    package mutating func next() throws(JSONLError) -> Line? {
        while true {
            if scanFrom < filled,
                let newline = memchr(buffer + scanFrom, Int32(UInt8(ascii: "\n")), filled - scanFrom)
            {
                let lineStart = start
                let lineEnd = buffer.distance(to: newline)
                start = lineEnd + 1
                scanFrom = start
                linesRead += 1
                if skipping {
                    skipping = false
                    continue
                }
                if let line = makeLine(from: lineStart, to: lineEnd) { return line }
                continue
            }
            scanFrom = filled
            if reachedEnd {
                if skipping {
                    skipping = false
                    linesRead += 1
                } else if start < filled {
                    let lineStart = start
                    start = filled
                    linesRead += 1
                    if let line = makeLine(from: lineStart, to: filled) { return line }
                }
                return nil
            }
            if skipping {
                start = 0
                filled = 0
                scanFrom = 0
            } else if filled - start > maximumLineLength + 1 {
                // No line break within the maximum: report the line now and drop its bytes as they come.
                skipping = true
                start = 0
                filled = 0
                scanFrom = 0
                return tooLong(number: linesRead + 1)
            } else if start > 0 {
                let pending = filled - start
                if pending > 0 { memmove(buffer, buffer + start, pending) }
                start = 0
                filled = pending
                scanFrom = pending
            }
            try refill()
        }
    }

    private mutating func refill() throws(JSONLError) {
        var wanted = capacity - filled
        if let offset, let rangeEnd { wanted = min(wanted, rangeEnd - offset) }
        guard wanted > 0 else {
            reachedEnd = true
            return
        }
        let count = try FileInput.readBytes(
            descriptor,
            into: buffer + filled,
            count: wanted,
            offset: offset,
            name: name
        )
        if count == 0 {
            reachedEnd = true
        } else {
            filled += count
            if let current = offset { offset = current + count }
        }
    }

    private func makeLine(from lineStart: Int, to lineEnd: Int) -> Line? {
        var end = lineEnd
        let bytes = buffer.assumingMemoryBound(to: UInt8.self)
        if end > lineStart, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        guard end - lineStart <= maximumLineLength else { return tooLong(number: linesRead) }
        var index = lineStart
        while index < end, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
        guard index < end else { return nil }
        return Line(
            number: linesRead,
            bytes: UnsafeRawBufferPointer(start: buffer + lineStart, count: end - lineStart),
            error: nil
        )
    }

    private func tooLong(number: Int) -> Line {
        let error = JSONLError(
            code: .lineTooLong,
            reason: "line is longer than the maximum of \(maximumLineLength) bytes; skipped",
            line: number,
            file: name
        )
        return Line(number: number, bytes: UnsafeRawBufferPointer(start: nil, count: 0), error: error)
    }
}

// The reader is noncopyable, so sending it to another thread moves its buffer and descriptor with it;
// nothing is shared.
extension JSONLReader: @unchecked Sendable {}

@available(*, unavailable, message: "a line's bytes point into the reader's buffer")
extension JSONLReader.Line: Sendable {}
