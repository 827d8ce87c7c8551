#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file cut into byte ranges at line boundaries, so that several threads can read it at once.
///
/// Each range starts at the beginning of a line and ends just after a `\n` (or at the end of the file); the
/// ranges are in file order and cover every byte exactly once. Read each one with ``makeReader(for:bufferSize:maximumLineLength:)``;
/// its lines are numbered from 1 within the range. After a range has been read to the end, its reader's
/// ``JSONLReader/linesRead`` is the number of lines it holds; ``firstLineNumbers(lineCounts:)`` turns those
/// counts into the global number of each range's first line.
///
/// ```swift
/// let ranges = try JSONLFileRanges(path: "big.jsonl", count: 2)
/// // … read range i on thread i, keeping `lineCount[i] = reader.linesRead` and errors with relative lines …
/// let first = JSONLFileRanges.firstLineNumbers(lineCounts: lineCounts)
/// // global line of (range i, relative line n) = first[i] + n - 1
/// ```
package struct JSONLFileRanges: Sendable {
    /// The file's path.
    package let path: String
    /// The file's size in bytes when it was split.
    package let fileSize: Int
    /// The byte ranges, in file order; fewer than asked for when the file is small or has long lines, and
    /// none for an empty file.
    package let ranges: [Range<Int>]

    /// Splits a regular file into at most `count` ranges of about equal size, each ending at a line break.
    ///
    /// - Parameters:
    ///   - path: A regular file (not a pipe).
    ///   - count: The number of ranges wanted, at least 1.
    ///   - minimumRangeSize: Ranges are not made smaller than this (64 KiB by default), so a small file gives
    ///     one range.
    /// - Throws: ``JSONLError`` with code ``JSONLError/Code/readFailed`` when the file cannot be opened or read,
    ///   or is not a regular file.
    package init(path: String, count: Int, minimumRangeSize: Int = 1 << 16) throws(JSONLError) {
        let descriptor = try FileInput.openFile(path)
        defer { FileInput.closeFile(descriptor) }
        let size = try FileInput.regularFileSize(descriptor, name: path)
        self.path = path
        self.fileSize = size
        let wanted = max(1, min(count, size / max(1, minimumRangeSize)))
        var boundaries = [0]
        for part in 1..<wanted {
            let target = size / wanted * part + min(part, size % wanted)
            guard target > boundaries[boundaries.count - 1] else { continue }
            guard let boundary = try Self.lineStart(atOrAfter: target, descriptor: descriptor, size: size, name: path)
            else { break }
            if boundary > boundaries[boundaries.count - 1] && boundary < size { boundaries.append(boundary) }
        }
        if size > 0 { boundaries.append(size) }
        self.ranges = zip(boundaries, boundaries.dropFirst()).map { $0..<$1 }
    }

    /// A reader over range number `index`, its lines numbered from 1.
    ///
    /// - Throws: ``JSONLError`` when the file cannot be opened.
    package func makeReader(
        for index: Int,
        bufferSize: Int = JSONLReader.defaultBufferSize,
        maximumLineLength: Int = JSONLDecoder.defaultMaximumLineLength
    ) throws(JSONLError) -> JSONLReader {
        try JSONLReader(
            path: path,
            byteRange: ranges[index],
            bufferSize: bufferSize,
            maximumLineLength: maximumLineLength
        )
    }

    /// The global (1-based) number of the first line of each range, given the number of lines in each.
    ///
    /// - Parameter lineCounts: ``JSONLReader/linesRead`` of each range's reader after it reached the end.
    /// - Returns: For range `i`, the file's line number of the range's line 1; the line `n` of range `i` is
    ///   line `result[i] + n - 1` of the file.
    package static func firstLineNumbers(lineCounts: some Sequence<Int>) -> [Int] {
        var next = 1
        var result: [Int] = []
        for count in lineCounts {
            result.append(next)
            next += count
        }
        return result
    }

    /// The offset just after the first `\n` at or after `target - 1`: the start of the first line that
    /// begins at or after `target`; `nil` when no line begins there.
    private static func lineStart(
        atOrAfter target: Int,
        descriptor: Int32,
        size: Int,
        name: String
    ) throws(JSONLError) -> Int? {
        let chunkSize = 1 << 16
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { chunk.deallocate() }
        var position = target - 1
        while position < size {
            let count = try FileInput.readBytes(
                descriptor,
                into: chunk,
                count: min(chunkSize, size - position),
                offset: position,
                name: name
            )
            guard count > 0 else { return nil }
            if let newline = memchr(chunk, Int32(UInt8(ascii: "\n")), count) {
                return position + chunk.distance(to: newline) + 1
            }
            position += count
        }
        return nil
    }
}
