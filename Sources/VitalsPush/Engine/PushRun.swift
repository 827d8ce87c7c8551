import Vitals

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One push: reads the inputs line by line into batches, sends each batch when it is full, and keeps the
/// report.
///
/// Cancellation stops the reading, never a request: every batch is sent from a task of its own that the
/// caller's cancellation does not reach, so what was read is flushed and a request is never cut off halfway,
/// when the push could not tell whether the server stored it.
struct PushRun {
    let files: [String]
    let configuration: PushConfiguration
    let sender: BatchSender
    let progress: (@Sendable (PushReport) -> Void)?
    private(set) var report = PushReport()
    private var batch = PendingBatch()
    private var lastFlush = ContinuousClock.now

    init(
        files: [String],
        configuration: PushConfiguration,
        sender: BatchSender,
        progress: (@Sendable (PushReport) -> Void)?
    ) {
        self.files = files
        self.configuration = configuration
        self.sender = sender
        self.progress = progress
    }

    /// The longest line that fits a batch with its `\n`.
    var maximumLineLength: Int { configuration.maximumBatchBytes - 1 }

    /// Reads a file (or standard input for `-`) to its end; returns early, marking the report interrupted,
    /// when the task is cancelled.
    mutating func read(fileIndex: Int) async throws(PushError) {
        let name = files[fileIndex]
        var reader: JSONLReader
        if name == "-" {
            reader = JSONLReader(fileDescriptor: STDIN_FILENO, name: "-", maximumLineLength: maximumLineLength)
        } else {
            do {
                reader = try JSONLReader(path: name, maximumLineLength: maximumLineLength)
            } catch {
                throw failure(code: .unreadableInput, message: error.reason)
            }
        }
        while true {
            let next: JSONLReader.Line?
            do {
                next = try reader.next()
            } catch {
                throw failure(code: .unreadableInput, message: error.reason)
            }
            guard let line = next else { return }
            if line.error != nil {
                rejectTooLong(fileIndex: fileIndex, line: line.number)
            } else {
                try await add(line.bytes, origin: .init(file: fileIndex, line: line.number))
            }
            if Task.isCancelled {
                report.interrupted = true
                return
            }
        }
    }

    /// Reads a file to its end, then keeps reading the lines appended to it until the task is cancelled,
    /// sending what waits at least every ``PushConfiguration/followFlushInterval``.
    mutating func follow(fileIndex: Int) async throws(PushError) {
        let reader = try TailReader(path: files[fileIndex], maximumLineLength: maximumLineLength)
        while true {
            while !Task.isCancelled, let items = try reader.readAppended() {
                for item in items {
                    switch item {
                    case .line(let number, let bytes):
                        try await add(bytes, origin: .init(file: fileIndex, line: number))
                    case .tooLong(let number):
                        rejectTooLong(fileIndex: fileIndex, line: number)
                    }
                }
            }
            if Task.isCancelled { return }
            if !batch.isEmpty, ContinuousClock.now - lastFlush >= configuration.followFlushInterval {
                try await flush()
            }
            try? await Task.sleep(for: configuration.followPollInterval)
        }
    }

    mutating func markInterrupted() {
        report.interrupted = true
    }

    /// Sends what waits, if anything.
    mutating func flush() async throws(PushError) {
        lastFlush = ContinuousClock.now
        guard !batch.isEmpty else { return }
        let sending = batch
        batch = PendingBatch()
        let sender = self.sender
        let progress = self.progress
        let before = report
        let delivery = await Task {
            await sender.deliver(sending) { retries in
                var current = before
                current.retries += retries
                progress?(current)
            }
        }.value
        report.retries += delivery.retries
        for (answer, lines) in delivery.answers {
            record(answer, lines: lines, of: sending)
        }
        for (line, reason) in delivery.tooLarge {
            reject(sending.origins[line], reason: reason)
        }
        progress?(report)
        if var failure = delivery.failure {
            failure.report = report
            throw failure
        }
    }

    func failure(code: PushError.Code, message: String) -> PushError {
        PushError(code: code, message: message, report: report)
    }

    private mutating func add(
        _ bytes: some Collection<UInt8>,
        origin: PendingBatch.Origin
    ) async throws(PushError) {
        let size = bytes.count + 1
        if batch.lineCount >= configuration.batchSize || batch.body.count + size > configuration.maximumBatchBytes {
            try await flush()
        }
        batch.append(bytes, origin: origin)
        if batch.lineCount >= configuration.batchSize { try await flush() }
    }

    private mutating func record(_ answer: IngestAnswer, lines part: Range<Int>, of sent: PendingBatch) {
        let lines = answer.rejected ?? []
        let rejected = max(answer.rejectedCount ?? lines.count, lines.count)
        let count = part.count
        report.batches += 1
        report.linesSent += count
        report.accepted += answer.accepted ?? max(0, count - rejected)
        report.overflowed += answer.overflowed ?? 0
        report.rejectedCount += rejected
        for rejection in lines where report.rejections.count < configuration.maximumRejectionsKept {
            // Line numbers are 1-based within the request body, which holds the lines of `part`.
            let index = part.lowerBound + rejection.line - 1
            guard rejection.line >= 1, index < part.upperBound else { continue }
            let origin = sent.origins[index]
            report.rejections.append(
                PushRejection(file: files[origin.file], line: origin.line, reason: rejection.reason)
            )
        }
    }

    private mutating func rejectTooLong(fileIndex: Int, line: Int) {
        reject(
            .init(file: fileIndex, line: line),
            reason: "line is longer than the batch limit of \(configuration.maximumBatchBytes) bytes; not sent"
        )
    }

    private mutating func reject(_ origin: PendingBatch.Origin, reason: String) {
        report.rejectedCount += 1
        if report.rejections.count < configuration.maximumRejectionsKept {
            report.rejections.append(PushRejection(file: files[origin.file], line: origin.line, reason: reason))
        }
    }
}
