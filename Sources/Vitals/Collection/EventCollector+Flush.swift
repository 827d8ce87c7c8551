import Logging
import Synchronization

extension EventCollector {
    /// The file ``flush()`` appends to: `DIRECTORY/metrics.jsonl`; `nil` without a directory.
    public var metricsFilePath: String? {
        guard let directory else { return nil }
        return directory.hasSuffix("/") ? directory + configuration.fileName : directory + "/" + configuration.fileName
    }

    /// Tier 2: appends the events kept since the last successful flush to `DIRECTORY/metrics.jsonl`, one JSON
    /// object per line, creating the directory when needed.
    ///
    /// A failure never reaches the caller: it is logged at `error` level, counted in ``writeFailures`` and
    /// described by ``lastWriteError``, and the events stay pending for the next flush. Without a directory this
    /// does nothing. Flushes are serialised; recording continues while one writes.
    ///
    /// ```swift
    /// defer { collector.flush() }
    /// ```
    ///
    /// - Returns: `true` when every pending event was written (or there was nothing to write).
    @discardableResult
    public func flush() -> Bool {
        guard let directory, let path = metricsFilePath else { return true }
        return flushLock.withLock { _ in
            let (pending, end) = withState { state in
                (Array(state.events[state.flushedCount...]), state.events.count)
            }
            guard !pending.isEmpty else { return true }
            let encoder = JSONLEncoder()
            var bytes: [UInt8] = []
            bytes.reserveCapacity(pending.count * 256)
            for event in pending {
                encoder.append(.event(event), to: &bytes)
                bytes.append(UInt8(ascii: "\n"))
            }
            do throws(MetricsFileWriter.WriteError) {
                try MetricsFileWriter.append(bytes, toFile: configuration.fileName, inDirectory: directory)
            } catch {
                withState { state in
                    state.writeFailures += 1
                    state.lastWriteError = error.description
                }
                logger.error(
                    "metrics write failed; events kept in memory",
                    metadata: [
                        "file": "\(path)",
                        "error": "\(error.description)",
                        "pending_events": "\(pending.count)",
                        "worker_id": "\(workerID ?? "-")",
                    ]
                )
                return false
            }
            withState { $0.flushedCount = end }
            return true
        }
    }
}

extension EventCollector {
    /// Runs one worker under this collector: restarts the execution time, binds the collector to the task tree,
    /// and afterwards — whether the work returns or throws — stops the execution time and flushes
    /// `metrics.jsonl`. A failed flush never changes the result.
    ///
    /// ```swift
    /// let collector = EventCollector(workerID: workerID, directory: workerDirectory)
    /// let answer = try collector.run { try worker.solve(task) }
    /// return collector.annotatedResult(answer)
    /// ```
    ///
    /// - Parameter operation: The worker's work.
    /// - Returns: What `operation` returns.
    /// - Throws: What `operation` throws.
    @discardableResult
    public func run<Result, Failure: Error>(_ operation: () throws(Failure) -> Result) throws(Failure) -> Result {
        start()
        defer {
            finish()
            flush()
        }
        return try withEventCollector(self, operation: operation)
    }

    /// Runs one async worker under this collector: restarts the execution time, binds the collector to the task
    /// tree, and afterwards — whether the work returns or throws — stops the execution time and flushes
    /// `metrics.jsonl`. A failed flush never changes the result.
    ///
    /// ```swift
    /// let collector = EventCollector(workerID: workerID, directory: workerDirectory)
    /// let answer = try await collector.run { try await worker.solve(task) }
    /// return collector.annotatedResult(answer)
    /// ```
    ///
    /// - Parameter operation: The worker's work.
    /// - Returns: What `operation` returns.
    /// - Throws: What `operation` throws.
    @discardableResult
    public nonisolated(nonsending) func run<Result, Failure: Error>(
        _ operation: nonisolated(nonsending) () async throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        start()
        defer {
            finish()
            flush()
        }
        return try await withEventCollector(self, operation: operation)
    }
}
