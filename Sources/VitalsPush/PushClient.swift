public import AsyncHTTPClient
public import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends JSONL files to a Vitals server's `POST /v1/events`, in batches, with retries.
///
/// Files are streamed, never loaded whole. Blank lines are skipped; a line too long for one batch is
/// rejected locally. A 429 or 503 (honouring `Retry-After`), a connection error or a timeout is retried
/// under the ``PushRetryPolicy``; a batch answered 2xx is never sent again; any other 4xx stops the push,
/// since the same request would fail the same way. Lines the server rejects come back in the report with
/// their file and line number.
///
/// ```swift
/// var configuration = PushConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
/// configuration.batchSize = 500
/// let client = PushClient(configuration: configuration)
/// let report = try await client.push(files: ["metrics.jsonl"])
/// print("\(report.accepted) accepted, \(report.rejectedCount) rejected")
/// ```
public struct PushClient: Sendable {
    /// The settings in use.
    public let configuration: PushConfiguration
    private let httpClient: HTTPClient?
    private let logger: Logger

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - configuration: Where and how to send.
    ///   - httpClient: The HTTP client to use, which the caller keeps owning. By default each push makes its
    ///     own, which does not retry failed connections by itself, so that ``PushRetryPolicy`` alone decides
    ///     (a client that does retries inside each attempt until ``PushConfiguration/requestTimeout``).
    ///   - logger: Where retries and splits are logged, at debug level.
    public init(
        configuration: PushConfiguration = .default,
        httpClient: HTTPClient? = nil,
        logger: Logger = Logger(label: "vitals.push")
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
    }

    /// Sends the lines of `files` in order.
    ///
    /// Every file is opened first, so a misspelt name sends nothing. Cancelling the calling task stops the
    /// reading; what was read is still sent, and the report returned. With `follow`, the last file is read to
    /// its end and then watched for appended lines, which are sent at least every
    /// ``PushConfiguration/followFlushInterval``, until the task is cancelled: that is how a follow ends.
    ///
    /// - Parameters:
    ///   - files: Paths of JSONL files; `-` is standard input (once, and not with `follow`).
    ///   - follow: Whether to keep sending the lines appended to the last file.
    ///   - progress: Called after each batch, and before each retry, with the report so far.
    /// - Returns: What was sent, accepted and rejected.
    /// - Throws: ``PushError``: ``PushError/Code/invalidConfiguration``,
    ///   ``PushError/Code/unreadableInput`` before anything is sent; ``PushError/Code/unreachable``,
    ///   ``PushError/Code/requestRejected`` or ``PushError/Code/serverFailed`` with the report of what had
    ///   been sent.
    public func push(
        files: [String],
        follow: Bool = false,
        progress: (@Sendable (PushReport) -> Void)? = nil
    ) async throws(PushError) -> PushReport {
        try validate(files: files, follow: follow)
        if let httpClient { return try await push(files: files, follow: follow, with: httpClient, progress: progress) }
        let client = Self.makeHTTPClient()
        let result: Result<PushReport, PushError>
        do {
            result = .success(try await push(files: files, follow: follow, with: client, progress: progress))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        return try result.get()
    }

    private func push(
        files: [String],
        follow: Bool,
        with client: HTTPClient,
        progress: (@Sendable (PushReport) -> Void)?
    ) async throws(PushError) -> PushReport {
        var run = PushRun(
            files: files,
            configuration: configuration,
            sender: BatchSender(client: client, configuration: configuration, logger: logger),
            progress: progress
        )
        for index in files.indices {
            if Task.isCancelled {
                // A follow ends by cancellation; only a plain push stopped before its end is interrupted.
                if !follow { run.markInterrupted() }
                break
            }
            if follow && index == files.index(before: files.endIndex) {
                try await run.follow(fileIndex: index)
            } else {
                try await run.read(fileIndex: index)
            }
        }
        try await run.flush()
        return run.report
    }

    /// The client a push or an exporter makes for itself: it does not retry failed connections by itself, so that
    /// the retry policy alone decides.
    static func makeHTTPClient() -> HTTPClient {
        var settings = HTTPClient.Configuration()
        settings.connectionPool.retryConnectionEstablishment = false
        settings.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings)
    }

    private func validate(files: [String], follow: Bool) throws(PushError) {
        func invalid(_ message: String) -> PushError { PushError(code: .invalidConfiguration, message: message) }
        let url = configuration.serverURL
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > "https://".count else {
            throw invalid("server URL \"\(url)\": expected http://HOST[:PORT] or https://HOST[:PORT]")
        }
        guard configuration.batchSize >= 1 else {
            throw invalid("batch size \(configuration.batchSize): expected at least 1 line")
        }
        guard configuration.maximumBatchBytes >= 2 else {
            throw invalid("maximum batch bytes \(configuration.maximumBatchBytes): expected at least 2")
        }
        guard configuration.retry.maximumAttempts >= 1 else {
            throw invalid("maximum attempts \(configuration.retry.maximumAttempts): expected at least 1")
        }
        guard !files.isEmpty else { throw invalid("no input: expected files, or - for standard input") }
        guard files.filter({ $0 == "-" }).count <= 1 else {
            throw invalid("- (standard input) is named more than once")
        }
        if follow, files.last == "-" {
            throw invalid("--follow needs a file to watch; standard input is read to its end anyway")
        }
        for file in files where file != "-" {
            let descriptor = file.withCString { open($0, O_RDONLY | O_CLOEXEC) }
            guard descriptor >= 0 else {
                let reason = String(cString: strerror(errno))
                throw PushError(code: .unreadableInput, message: "cannot open \(file): \(reason)")
            }
            var info = stat()
            let isDirectory = fstat(descriptor, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
            close(descriptor)
            if isDirectory {
                throw PushError(code: .unreadableInput, message: "\(file) is a directory, not a JSONL file")
            }
        }
    }
}
