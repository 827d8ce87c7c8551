/// How `vitals push` sends: where to, with which token, in which batches, how it retries.
///
/// ```swift
/// var configuration = PushConfiguration.default
/// configuration.serverURL = "http://vitals.internal:8080"
/// configuration.token = "s3cret"
/// let client = PushClient(configuration: configuration)
/// ```
public struct PushConfiguration: Sendable, Hashable {
    /// The server's base URL; `/v1/events` is appended. Default `http://127.0.0.1:8080`; environment
    /// variable `VITALS_SERVER`.
    public var serverURL = "http://127.0.0.1:8080"
    /// Sent as `Authorization: Bearer TOKEN` when set. Default none; environment variable `VITALS_TOKEN`.
    public var token: String?
    /// The most lines in one request. Default 1,000.
    public var batchSize = 1_000
    /// The most bytes in one request body before compression, line breaks included; a longer line is
    /// rejected locally and never sent. Default 4 MiB.
    public var maximumBatchBytes = 4 << 20
    /// Whether bodies are sent gzip-compressed (`Content-Encoding: gzip`). Default on.
    public var gzip = true
    /// When to retry. Default ``PushRetryPolicy/default``.
    public var retry = PushRetryPolicy.default
    /// The longest one request may take, connection included. Default 30 s.
    public var requestTimeout = Duration.seconds(30)
    /// When following a file, the longest a complete line waits before it is sent. Default 1 s.
    public var followFlushInterval = Duration.seconds(1)
    /// When following a file, how often it is checked for new lines. Default 200 ms.
    public var followPollInterval = Duration.milliseconds(200)
    /// The most rejected lines kept in ``PushReport/rejections``; the rest are only counted. Default 1,000.
    public var maximumRejectionsKept = 1_000

    /// The defaults.
    public static let `default` = PushConfiguration()

    /// The defaults, with ``serverURL`` and ``token`` taken from `VITALS_SERVER` and `VITALS_TOKEN` when set.
    ///
    /// - Parameter environment: The environment to read, the process's by default.
    public static func fromEnvironment(_ environment: [String: String]) -> PushConfiguration {
        var configuration = PushConfiguration()
        if let server = environment["VITALS_SERVER"], !server.isEmpty { configuration.serverURL = server }
        if let token = environment["VITALS_TOKEN"], !token.isEmpty { configuration.token = token }
        return configuration
    }

    /// Creates the defaults.
    public init() {}
}
