/// Sends the HTTP requests of the Slack, webhook and Telegram receivers.
///
/// It lives behind a protocol so that this module builds without an HTTP client: `VitalsHTTPClient` has the
/// AsyncHTTPClient implementation, which `vitals serve` wires in.
///
/// A transport posts and reports what came back; it neither retries nor follows the delivery's policy. It
/// throws when no answer came (connection refused, a timeout, TLS failure); an answer of any status returns.
///
/// ```swift
/// let delivery = NotificationDelivery(
///     receivers: receivers,
///     store: store,
///     transport: AsyncHTTPNotificationTransport(),
///     logger: logger
/// )
/// ```
public protocol NotificationTransport: Sendable {
    /// Posts `body` to `url`.
    ///
    /// - Parameters:
    ///   - url: The absolute `http` or `https` URL. It may hold secrets: never log it or put it in an error.
    ///   - headers: Request header fields (`Content-Type` included), by name.
    ///   - body: The request body.
    ///   - timeout: How long the whole exchange may take.
    /// - Returns: The answer's status, `Retry-After` and the start of its body.
    /// - Throws: When no answer came within `timeout`.
    func post(
        url: String,
        headers: [String: String],
        body: [UInt8],
        timeout: Duration
    ) async throws
        -> TransportResponse
}

/// What a receiver answered to one request.
public struct TransportResponse: Sendable, Hashable {
    /// The HTTP status code.
    public var statusCode: Int
    /// The `Retry-After` field, when the answer had a valid one.
    public var retryAfter: RetryAfter?
    /// The start of the body (transports keep up to 64 KiB), for the receiver's explanation of a failure.
    public var body: [UInt8]

    /// Creates a response.
    ///
    /// - Parameters:
    ///   - statusCode: The HTTP status code.
    ///   - retryAfter: The parsed `Retry-After`; see ``RetryAfter/init(fieldValue:)``.
    ///   - body: The start of the body.
    public init(statusCode: Int, retryAfter: RetryAfter? = nil, body: [UInt8] = []) {
        self.statusCode = statusCode
        self.retryAfter = retryAfter
        self.body = body
    }
}
