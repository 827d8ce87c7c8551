public import Vitals

/// Loads JSONL files into a store in batches: the engine of `vitals import`.
///
/// Lines are decoded with the streaming reader (memory stays bounded by one batch, whatever the file size),
/// batched, and ingested while the next batch is decoded. A bad line is rejected with its file, line number
/// and reason, and the good lines around it are kept. Records the store refuses are reported the same way.
///
/// ```swift
/// var importer = JSONLImporter(store: store)
/// try await importer.importFile(path: "metrics.jsonl") { progress in print(progress.linesRead) }
/// print(importer.report.summaryLine(database: "vitals.db"))
/// ```
public struct JSONLImporter {
    /// How far an import has got in the current file.
    public struct Progress: Sendable, Hashable {
        /// The file being read.
        public var file: String
        /// Lines read from it so far.
        public var linesRead: Int
        /// Records accepted so far, over all files.
        public var accepted: Int
        /// Lines and records rejected so far, over all files.
        public var rejected: Int
    }

    /// What an import did, over all its files.
    public struct Report: Sendable, Hashable {
        /// Files read.
        public var files = 0
        /// Lines read (blank lines included).
        public var lines = 0
        /// Events stored.
        public var acceptedEvents = 0
        /// Gauge samples stored.
        public var acceptedSamples = 0
        /// Lines and records rejected.
        public var rejectedCount = 0
        /// The first rejections (`FILE:LINE: reason`), at most ``JSONLImporter/maximumListedRejections``.
        public var rejections: [String] = []
        /// Accepted records that went to `__overflow__` series.
        public var overflowed = 0

        /// Events and samples stored.
        public var accepted: Int { acceptedEvents + acceptedSamples }

        /// One line for the end of `vitals import`:
        /// `vitals.db: 9,998 accepted (9,990 events, 8 samples), 2 rejected, from 2 files (10,000 lines)`.
        public func summaryLine(database: String) -> String {
            var line = "\(database): \(Self.grouped(accepted)) accepted (\(Self.grouped(acceptedEvents)) events, "
            line += "\(Self.grouped(acceptedSamples)) samples), \(Self.grouped(rejectedCount)) rejected, "
            line += "from \(files) file\(files == 1 ? "" : "s") (\(Self.grouped(lines)) lines)"
            if overflowed > 0 {
                line += "; \(Self.grouped(overflowed)) folded into __overflow__ series (series limit reached)"
            }
            return line
        }

        static func grouped(_ value: Int) -> String {
            let digits = String(value.magnitude)
            var result = ""
            for (index, digit) in digits.enumerated() {
                if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
                result.append(digit)
            }
            return value < 0 ? "-" + result : result
        }
    }

    /// The store records go to.
    public let store: any MetricStore
    /// Records per ingest call. Default 1,000.
    public let batchSize: Int
    /// The time filed for records without timestamps.
    public let receivedAt: Timestamp
    /// How many rejections the report lists (all are counted). Default 20.
    public let maximumListedRejections: Int
    /// What has been done so far.
    public private(set) var report = Report()

    private let decoder = JSONLDecoder()

    /// Creates an importer.
    public init(
        store: any MetricStore,
        batchSize: Int = 1_000,
        receivedAt: Timestamp = .now(),
        maximumListedRejections: Int = 20
    ) {
        self.store = store
        self.batchSize = max(1, batchSize)
        self.receivedAt = receivedAt
        self.maximumListedRejections = max(0, maximumListedRejections)
    }

    /// Imports one file (`-` reads standard input).
    ///
    /// - Parameters:
    ///   - path: The JSONL file.
    ///   - progress: Called after each batch is stored.
    /// - Throws: ``JSONLError`` when the file cannot be opened or read, ``StoreError`` when the store fails.
    ///   Batches stored before the failure stay stored.
    public mutating func importFile(path: String, progress: (Progress) -> Void = { _ in }) async throws {
        var reader =
            path == "-"
            ? JSONLReader(fileDescriptor: 0, name: "-")
            : try JSONLReader(path: path)
        report.files += 1
        var records: [Record] = []
        var lineNumbers: [Int] = []
        records.reserveCapacity(batchSize)
        lineNumbers.reserveCapacity(batchSize)
        var inFlight: (task: Task<IngestResult, any Error>, lines: [Int])?
        defer { inFlight?.task.cancel() }
        while let line = try reader.next() {
            if let error = line.error {
                reject(error.description)
                continue
            }
            do throws(JSONLError) {
                records.append(try decoder.decode(line: line.bytes))
                lineNumbers.append(line.number)
            } catch {
                reject(error.withLocation(file: reader.name, line: line.number).description)
            }
            guard records.count >= batchSize else { continue }
            // One batch is stored while the next is decoded.
            if let previous = inFlight { try await settle(previous, file: path) }
            let batch = records
            let store = self.store
            let receivedAt = self.receivedAt
            inFlight = (Task { try await store.ingest(batch, receivedAt: receivedAt) }, lineNumbers)
            records.removeAll(keepingCapacity: true)
            lineNumbers.removeAll(keepingCapacity: true)
            progress(
                Progress(
                    file: path,
                    linesRead: reader.linesRead,
                    accepted: report.accepted,
                    rejected: report.rejectedCount
                )
            )
        }
        if let previous = inFlight {
            inFlight = nil
            try await settle(previous, file: path)
        }
        if !records.isEmpty {
            let result = try await store.ingest(records, receivedAt: receivedAt)
            record(result, lines: lineNumbers, file: path)
        }
        report.lines += reader.linesRead
        progress(
            Progress(file: path, linesRead: reader.linesRead, accepted: report.accepted, rejected: report.rejectedCount)
        )
    }

    private mutating func settle(
        _ ingest: (task: Task<IngestResult, any Error>, lines: [Int]),
        file: String
    ) async throws {
        record(try await ingest.task.value, lines: ingest.lines, file: file)
    }

    private mutating func record(_ result: IngestResult, lines: [Int], file: String) {
        report.acceptedEvents += result.acceptedEvents
        report.acceptedSamples += result.acceptedSamples
        report.overflowed += result.overflowed
        for rejection in result.rejected {
            let line = rejection.index < lines.count ? lines[rejection.index] : 0
            reject("\(file):\(line): \(rejection.reason)")
        }
    }

    private mutating func reject(_ message: String) {
        report.rejectedCount += 1
        if report.rejections.count < maximumListedRejections { report.rejections.append(message) }
    }
}
