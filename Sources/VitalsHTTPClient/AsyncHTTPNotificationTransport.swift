public import AsyncHTTPClient
import NIOCore
import NIOHTTP1
public import VitalsAlerting
import VitalsStore

/// Posts the requests of the Slack, webhook and Telegram receivers with AsyncHTTPClient (HTTP/1.1, HTTP/2,
/// TLS).
///
/// It answers with the status, the parsed `Retry-After` and up to 64 KiB of the body, whatever the status;
/// it throws only when no answer came in time. Its errors never hold the URL: AsyncHTTPClient's describe the
/// connection, not the request.
///
/// ```swift
/// let delivery = try NotificationDelivery(
///     receivers: receivers,
///     store: store,
///     transport: AsyncHTTPNotificationTransport(),
///     logger: logger
/// )
/// ```
public struct AsyncHTTPNotificationTransport: NotificationTransport {
    private let client: HTTPClient

    /// A transport on `client`; default the process-wide shared client.
    public init(client: HTTPClient = .shared) {
        self.client = client
    }

    public func post(
        url: String,
        headers: [String: String],
        body: [UInt8],
        timeout: Duration
    ) async throws -> TransportResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
        let retryAfter = response.headers.first(name: "Retry-After").flatMap(RetryAfter.init(fieldValue:))
        // The body only explains a failure: read what fits; dropping the rest closes the connection.
        var bytes: [UInt8] = []
        do {
            for try await chunk in response.body {
                bytes += chunk.readableBytesView.prefix(Self.maximumBody - bytes.count)
                if bytes.count >= Self.maximumBody { break }
            }
        } catch {
            // The status has arrived; a body cut short does not change it.
        }
        return TransportResponse(statusCode: Int(response.status.code), retryAfter: retryAfter, body: bytes)
    }

    private static let maximumBody = 64 << 10
}
