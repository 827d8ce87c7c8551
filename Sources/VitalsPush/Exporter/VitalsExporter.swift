public import AsyncHTTPClient
public import Logging
public import ServiceLifecycle
public import Vitals

/// Sends what a process records to a Vitals server's `POST /v1/events` as it is recorded: the SDK side of the
/// ingest API, for workers that run for hours rather than write files.
///
/// Give it to an ``Vitals/EventCollector`` as its sink (or call ``receive(_:)`` with events and samples) and run it
/// as a ServiceLifecycle service. Recording never waits and never throws: a record is encoded and queued under a
/// short lock, and a full queue drops it and counts it (``Statistics/dropped``). A task of the exporter's own sends
/// batches by size (``PushConfiguration/batchSize``) and at least every ``ExporterConfiguration/flushInterval``,
/// gzip-compressed, and retries a 429, a 503, a 5xx, a timeout or a refused connection with exponential backoff and
/// full jitter, never sooner than a `Retry-After`; what the server acknowledged is never sent again. A 4xx other
/// than 429 drops the batch (sending it again cannot help) and counts it as rejected. On graceful shutdown it sends
/// what it holds for at most ``ExporterConfiguration/shutdownTimeout``, then counts the rest as lost.
///
/// ```swift
/// let exporter = VitalsExporter(configuration: .fromEnvironment(ProcessInfo.processInfo.environment))
/// let collector = EventCollector(labels: ["service": "triage-bot"], sink: exporter)
/// let group = ServiceGroup(services: [exporter, worker], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()  // the worker records into `collector`; SIGTERM flushes the exporter
/// ```
public final class VitalsExporter: RecordSink, Service {
    /// What became of the records handed to an exporter so far.
    public struct Statistics: Sendable, Hashable {
        /// Records handed to ``receive(_:)``.
        public var recorded = 0
        /// Records the server accepted.
        public var sent = 0
        /// Records the server refused: an invalid line, a line too large, or a request answered with a 4xx other
        /// than 429.
        public var rejected = 0
        /// Records not queued because the queue held ``ExporterConfiguration/maximumQueuedRecords`` already.
        public var dropped = 0
        /// Records still held when the exporter stopped: the server could not take them within the shutdown
        /// timeout.
        public var lost = 0
        /// Requests sent again after a failed attempt.
        public var retries = 0
        /// Records held now, those being sent included.
        public var queued = 0
    }

    /// The settings in use.
    public let configuration: ExporterConfiguration
    private let httpClient: HTTPClient?
    private let logger: Logger
    private let queue = LockedValue(ExportQueue())
    private let control = LockedValue(Control())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let stopSignal: AsyncStream<Void>
    private let stopped: AsyncStream<Void>.Continuation

    private struct Control {
        var running = false
        var stopping = false
        /// A tick asked for the partial batch to go too.
        var tickPending = false
        var droppedLogged = 0
    }

    /// Creates an exporter; nothing is sent until ``run()``.
    ///
    /// - Parameters:
    ///   - configuration: Where and how to send.
    ///   - httpClient: The HTTP client to use, which the caller keeps owning; by default the exporter makes its
    ///     own for the time ``run()`` runs.
    ///   - logger: Where failures, drops and losses are logged.
    public init(
        configuration: ExporterConfiguration = ExporterConfiguration(),
        httpClient: HTTPClient? = nil,
        logger: Logger = Logger(label: "vitals.exporter")
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        (stopSignal, stopped) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// What became of the records so far.
    public var statistics: Statistics {
        queue.withLock { queue in
            var statistics = queue.statistics
            statistics.queued = queue.count
            return statistics
        }
    }

    /// Queues one event or sample for sending; returns at once, never throws. A full queue drops it and counts it.
    public func receive(_ record: Record) {
        var line: [UInt8] = []
        JSONLEncoder().append(record, to: &line)
        let limit = configuration.maximumQueuedRecords
        let count = queue.withLock { $0.append(line, limit: limit) }
        if let count, count % max(configuration.push.batchSize, 1) == 0 { wake.yield() }
    }

    /// Starts the graceful stop that a ServiceLifecycle shutdown starts: ``run()`` sends what is held, for at most
    /// ``ExporterConfiguration/shutdownTimeout``, and returns. Records received from now on are still sent if time
    /// allows.
    public func stop() {
        let first = control.withLock { control in
            defer { control.stopping = true }
            return !control.stopping
        }
        guard first else { return }
        wake.yield()
        stopped.yield()
        stopped.finish()
    }

    /// Sends batches until ``stop()`` or a graceful shutdown, then sends what is left within the shutdown timeout.
    /// Returns at once when the exporter already ran; cancelling the task stops at once, counting what is held as
    /// lost.
    public func run() async throws {
        let first = control.withLock { control in
            defer { control.running = true }
            return !control.running
        }
        guard first else { return }
        let client = httpClient ?? PushClient.makeHTTPClient()
        let sender = BatchSender(client: client, configuration: configuration.push, logger: logger)
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.sendUntilStopped(sender) }
                group.addTask { await self.tick() }
                group.addTask { await self.waitForDeadline() }
                // Whichever ends first, sending everything or the shutdown deadline, ends the others.
                _ = await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.stop()
        }
        if httpClient == nil { try? await client.shutdown() }
        let lost = queue.withLock { queue in
            let lost = queue.count
            queue.removeFirst(lost)
            queue.statistics.lost += lost
            return lost
        }
        logDrops()
        if lost > 0 {
            logger.error(
                "exporter stopped with records unsent; they are lost",
                metadata: ["lost": "\(lost)", "server": "\(configuration.push.serverURL)"]
            )
        }
    }

    private func tick() async {
        // A zero or negative interval would spin; a millisecond is as often as a tick can help.
        let interval = max(configuration.flushInterval, .milliseconds(1))
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            control.withLock { $0.tickPending = true }
            wake.yield()
        }
    }

    private func waitForDeadline() async {
        for await _ in stopSignal { break }
        guard !Task.isCancelled else { return }
        try? await Task.sleep(for: configuration.shutdownTimeout)
    }

    private func sendUntilStopped(_ sender: BatchSender) async {
        var failures = 0
        for await _ in wakeups {
            await sendReady(sender, failures: &failures)
            let stopping = control.withLock { $0.stopping }
            if Task.isCancelled || (stopping && queue.withLock({ $0.count }) == 0) { return }
        }
    }

    /// Sends full batches, and the last partial one after a tick or once stopping, until too few records are left
    /// or a batch failed (then after a backoff) or the task is cancelled.
    private func sendReady(_ sender: BatchSender, failures: inout Int) async {
        let push = configuration.push
        while !Task.isCancelled {
            let (partialToo, stopping) = control.withLock { control in
                defer { control.tickPending = false }
                return (control.tickPending || control.stopping, control.stopping)
            }
            let batch = queue.withLock { queue -> PendingBatch? in
                guard queue.count >= push.batchSize || (partialToo && queue.count > 0) else { return nil }
                return queue.batch(maximumLines: max(push.batchSize, 1), maximumBytes: push.maximumBatchBytes)
            }
            guard let batch else { break }
            let delivery = await sender.deliver(batch) { _ in }
            let retried = delivery.retries
            guard let failure = delivery.failure else {
                settle(delivery, of: batch, retries: retried, refused: 0)
                failures = 0
                continue
            }
            if failure.code == .requestRejected {
                logger.error("server refused a batch; its records are dropped", metadata: ["error": "\(failure)"])
                settle(delivery, of: batch, retries: retried, refused: batch.lineCount - delivery.completedLines)
                continue
            }
            settle(delivery, of: batch, retries: retried, refused: 0)
            failures += 1
            logger.warning(
                "cannot send to the server; records stay queued and are sent again",
                metadata: ["error": "\(failure)", "queued": "\(queue.withLock { $0.count })"]
            )
            if stopping { continue }
            let delay = push.retry.delay(beforeRetry: failures)
            do { try await Task.sleep(for: delay) } catch { return }
        }
        logDrops()
    }

    /// Removes what the server answered for (and the `refused` lines after them) and counts it.
    private func settle(_ delivery: BatchSender.Delivery, of batch: PendingBatch, retries: Int, refused: Int) {
        var accepted = 0
        var rejected = delivery.tooLarge.count + refused
        for (answer, lines) in delivery.answers {
            let refusedLines = answer.rejectedCount ?? answer.rejected?.count ?? 0
            rejected += refusedLines
            accepted += answer.accepted ?? (lines.count - refusedLines)
        }
        let done = delivery.completedLines + refused
        queue.withLock { queue in
            queue.removeFirst(done)
            queue.statistics.sent += accepted
            queue.statistics.rejected += rejected
            queue.statistics.retries += retries
        }
    }

    private func logDrops() {
        let dropped = queue.withLock { $0.statistics.dropped }
        let logged = control.withLock { control in
            defer { control.droppedLogged = dropped }
            return control.droppedLogged
        }
        guard dropped > logged else { return }
        logger.warning(
            "exporter queue full: records dropped",
            metadata: [
                "dropped": "\(dropped - logged)", "dropped_total": "\(dropped)",
                "limit": "\(configuration.maximumQueuedRecords)",
            ]
        )
    }
}

extension BatchSender.Delivery {
    /// How many lines from the start of the batch the server answered for, or refused alone as too large: sending
    /// stops at the first failure, so these are a prefix of the batch.
    var completedLines: Int {
        let answered = answers.map(\.lines.upperBound).max() ?? 0
        let tooLargeEnd = tooLarge.map { $0.line + 1 }.max() ?? 0
        return max(answered, tooLargeEnd)
    }
}
