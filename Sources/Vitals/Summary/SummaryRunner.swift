import Dispatch

/// Summarises JSONL files or standard input into an ``EventSummary``, on every core for large files.
///
/// A regular file larger than ``minimumParallelBytes`` is cut at line boundaries into one range per core;
/// each range is read and summarised on its own thread with a fixed 1 MiB buffer, and the partial summaries
/// are merged in file order. Memory therefore depends on the number of cores and distinct operations, not on
/// the size of the input. Bad lines never stop the run: they are counted, and the first
/// ``maximumReportedErrors`` are returned with their file and line.
///
/// ```swift
/// let result = try SummaryRunner(options: SummaryOptions(groupBy: ["model"])).run(paths: ["metrics.jsonl"])
/// print(result.summary.renderText())
/// for error in result.errors { print(error) }  // metrics.jsonl:12: field "duration_ms": …
/// ```
package struct SummaryRunner: Sendable {
    /// The result of a run.
    package struct Result: Sendable {
        /// The summary of every good line.
        package var summary: EventSummary
        /// Lines read, blank and rejected ones included.
        package var linesRead: Int
        /// Lines rejected.
        package var rejectedLines: Int
        /// The first rejected lines' errors in input order, each naming its file and line.
        package var errors: [JSONLError]
    }

    /// How the summary groups and what it keeps.
    package var options: SummaryOptions
    /// Threads used for one large file. Default: the number of active processors.
    package var parallelism: Int
    /// How many errors are kept for reporting (all rejected lines are counted). Default 1,000.
    package var maximumReportedErrors: Int
    /// Files smaller than this are read on one thread. Default 4 MiB.
    package var minimumParallelBytes: Int

    /// Creates a runner.
    package init(
        options: SummaryOptions = SummaryOptions(),
        parallelism: Int = SystemInfo.activeProcessorCount,
        maximumReportedErrors: Int = 1_000,
        minimumParallelBytes: Int = 4 << 20
    ) {
        self.options = options
        self.parallelism = max(1, parallelism)
        self.maximumReportedErrors = max(0, maximumReportedErrors)
        self.minimumParallelBytes = max(1, minimumParallelBytes)
    }

    /// Summarises the files in order; `-` reads standard input.
    ///
    /// - Throws: ``JSONLError`` when a file cannot be opened or read (bad lines are not thrown: they are in
    ///   the result).
    package func run(paths: [String]) throws(JSONLError) -> Result {
        var total = Part(options: options)
        for (fileIndex, path) in paths.enumerated() {
            let part: Part
            if path == "-" {
                var reader = JSONLReader(fileDescriptor: 0, name: "-")
                part = try summarise(&reader, fileIndex: fileIndex)
            } else {
                part = try summarise(path: path, fileIndex: fileIndex)
            }
            total.append(part, limit: maximumReportedErrors)
        }
        return Result(
            summary: total.summary,
            linesRead: total.linesRead,
            rejectedLines: total.rejected,
            errors: total.errors
        )
    }

    /// The partial result of one file or range; line numbers relative to its first line.
    private struct Part: Sendable {
        var summary: EventSummary
        var linesRead = 0
        var rejected = 0
        var errors: [JSONLError] = []

        init(options: SummaryOptions) {
            summary = EventSummary(options: options)
        }

        /// Appends a part that was read after this one and whose line numbers are already global.
        mutating func append(_ other: Part, limit: Int) {
            summary.merge(other.summary)
            linesRead += other.linesRead
            rejected += other.rejected
            errors.append(contentsOf: other.errors.prefix(max(0, limit - errors.count)))
        }

        mutating func shiftLines(by offset: Int) {
            summary.shiftLines(by: offset)
            errors = errors.map { $0.withLocation(file: $0.file, line: ($0.line ?? 1) + offset) }
        }
    }

    private func summarise(path: String, fileIndex: Int) throws(JSONLError) -> Part {
        let ranges = try JSONLFileRanges(path: path, count: parallelism, minimumRangeSize: minimumParallelBytes)
        if ranges.ranges.count <= 1 {
            var reader = try JSONLReader(path: path)
            return try summarise(&reader, fileIndex: fileIndex)
        }
        let results = LockedValue([Swift.Result<Part, JSONLError>?](repeating: nil, count: ranges.ranges.count))
        DispatchQueue.concurrentPerform(iterations: ranges.ranges.count) { index in
            let outcome: Swift.Result<Part, JSONLError>
            do throws(JSONLError) {
                var reader = try ranges.makeReader(for: index)
                outcome = .success(try summarise(&reader, fileIndex: fileIndex))
            } catch {
                outcome = .failure(error)
            }
            results.withLock { $0[index] = outcome }
        }
        var parts: [Part] = []
        for outcome in results.withLock({ $0 }) {
            guard let outcome else { continue }
            parts.append(try outcome.get())
        }
        let firstLines = JSONLFileRanges.firstLineNumbers(lineCounts: parts.map(\.linesRead))
        var whole = Part(options: options)
        for (index, var part) in parts.enumerated() {
            part.shiftLines(by: firstLines[index] - 1)
            whole.append(part, limit: maximumReportedErrors)
        }
        return whole
    }

    private func summarise(_ reader: inout JSONLReader, fileIndex: Int) throws(JSONLError) -> Part {
        var part = Part(options: options)
        var lines = SummaryLineReader(options: options)
        let name = reader.name
        while let line = try reader.next() {
            let failure: JSONLError
            if let error = line.error {
                failure = error
            } else {
                guard
                    let error = lines.add(
                        line.bytes,
                        file: name,
                        line: line.number,
                        fileIndex: fileIndex,
                        to: &part.summary
                    )
                else { continue }
                failure = error
            }
            part.rejected += 1
            if part.errors.count < maximumReportedErrors { part.errors.append(failure) }
        }
        part.linesRead = reader.linesRead
        return part
    }
}

/// Adds lines to a summary one at a time: most lines are read as ``EventFacts`` only, without building the
/// event; the others (gauge samples, bad lines, the unusual ones the facts reader leaves alone) and the events
/// the summary lists (slowest, failed) are decoded in full.
package struct SummaryLineReader {
    private let decoder = JSONLDecoder()
    private let groupKeys: GroupKeyPlan
    private let readsFacts: Bool
    private var facts = EventFacts()
    /// Lines added from their facts alone.
    package private(set) var linesReadAsFacts = 0
    /// One event for every line: decoding into it reuses its label and attribute storage.
    private var event = Event(name: "", durationMilliseconds: 0, labels: Labels(), attributes: Attributes())

    /// A reader for summaries with `options`; `readsFacts: false` decodes every line in full, the reference
    /// the facts path is tested against.
    package init(options: SummaryOptions, readsFacts: Bool = true) {
        groupKeys = GroupKeyPlan(options.groupBy)
        self.readsFacts = readsFacts && groupKeys.readsFacts
    }

    /// Adds the line to `summary`, or returns why it was rejected (naming `file` and `line`).
    @inline(__always)
    package mutating func add(
        _ bytes: UnsafeRawBufferPointer,
        file: String,
        line: Int,
        fileIndex: Int,
        to summary: inout EventSummary
    ) -> JSONLError? {
        if readsFacts,
            EventFactsDecoder.facts(
                line: bytes,
                maximumLineLength: decoder.maximumLineLength,
                groupKeys: groupKeys,
                into: &facts
            )
        {
            summary.add(facts, in: bytes, groupKeys: groupKeys, file: file, line: line, fileIndex: fileIndex) {
                () -> Event? in
                guard (try? decoder.decode(line: bytes, into: &event)) == .some(nil) else { return nil }
                return event
            }
            linesReadAsFacts += 1
            return nil
        }
        do throws(JSONLError) {
            if let sample = try decoder.decode(line: bytes, into: &event) {
                summary.add(sample)
            } else {
                summary.add(event, file: file, line: line, fileIndex: fileIndex)
            }
            return nil
        } catch {
            return error.withLocation(file: file, line: line)
        }
    }
}
