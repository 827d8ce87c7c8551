import AsyncHTTPClient
import NIOCore
import NIOHTTP1
public import VitalsServer
import VitalsStore

/// Answers the `http:` health checks of `vitals serve` with AsyncHTTPClient (HTTP/1.1, HTTP/2 and TLS).
///
/// It lives in a module of its own so that the server module builds without an HTTP client; the command line
/// wires it in:
///
/// ```swift
/// let server = VitalsServer(configuration: configuration, store: store, httpProber: AsyncHTTPProber())
/// ```
public struct AsyncHTTPProber: HTTPProber {
    /// A prober on the process-wide shared client.
    public init() {}

    /// The status code of a GET of `url`, answered within `timeout`.
    public func status(of url: String, timeout: Duration) async throws -> Int {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: url),
            timeout: .nanoseconds(timeout.nanoseconds)
        )
        return Int(response.status.code)
    }
}
