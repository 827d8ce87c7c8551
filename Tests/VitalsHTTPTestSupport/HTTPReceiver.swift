import Foundation
import Hummingbird
import Logging
import NIOCore
import Vitals

/// A real HTTP server on 127.0.0.1 standing in for Slack, Telegram or a webhook: it records every request and
/// answers from a script, one reply per request, then with the default reply.
package final class HTTPReceiver: Sendable {
    package struct Received: Sendable {
        package var path: String
        package var headers: [String: String]
        package var body: [UInt8]
        package var status: Int
        package var arrival: ContinuousClock.Instant

        /// The body as a JSON object.
        package func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(body))
            guard let dictionary = object as? [String: Any] else { throw ReceiverError.notAnObject }
            return dictionary
        }

        package var notificationID: String? { headers["x-vitals-notification-id"] }
    }

    package enum ReceiverError: Error { case notAnObject, notStarted }

    package enum Reply: Sendable {
        case status(Int, body: String = "ok", retryAfter: String? = nil)
        /// Waits until ``release(with:)`` and answers what it is given: a request in flight for as long as the
        /// test needs.
        case hold
    }

    private struct State {
        package var requests: [Received] = []
        var script: [Reply] = []
        var fallback = Reply.status(200)
        var held: [CheckedContinuation<Reply, Never>] = []
    }

    private let state = LockedValue(State())

    package init(script: [Reply] = [], fallback: Reply = .status(200)) {
        state.withLock {
            $0.script = script
            $0.fallback = fallback
        }
    }

    package var requests: [Received] { state.withLock { $0.requests } }
    /// Requests answered 2xx.
    package var accepted: [Received] { requests.filter { (200..<300).contains($0.status) } }
    /// Requests waiting in ``Reply/hold``.
    package var heldCount: Int { state.withLock { $0.held.count } }

    /// Replaces what is left of the script and the default reply.
    package func answer(_ script: [Reply], fallback: Reply) {
        state.withLock {
            $0.script = script
            $0.fallback = fallback
        }
    }

    /// Answers every held request with `reply`.
    package func release(with reply: Reply) {
        let held = state.withLock { state in
            defer { state.held = [] }
            return state.held
        }
        for continuation in held { continuation.resume(returning: reply) }
    }

    private func handle(_ request: Request) async throws -> Response {
        let arrival = ContinuousClock.now
        let buffer = try await request.body.collect(upTo: 16 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        var reply = state.withLock { $0.script.isEmpty ? $0.fallback : $0.script.removeFirst() }
        if case .hold = reply {
            reply = await withCheckedContinuation { continuation in
                state.withLock { $0.held.append(continuation) }
            }
        }
        guard case .status(let code, let text, let retryAfter) = reply else { throw ReceiverError.notStarted }
        let received = Received(
            path: request.uri.path,
            headers: headers,
            body: Array(buffer.readableBytesView),
            status: code,
            arrival: arrival
        )
        state.withLock { $0.requests.append(received) }
        var fields = HTTPFields()
        if let retryAfter { fields[.retryAfter] = retryAfter }
        return Response(status: .init(code: code), headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Runs the server on 127.0.0.1 (`port` 0 picks a free one) while `body` runs with the bound port.
    package func serve<T: Sendable>(port: Int = 0, _ body: (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/") { request, _ in try await self.handle(request) }
        router.post("**") { request, _ in try await self.handle(request) }
        // GET too, for clients that fetch (`vitals bench URL`).
        router.get("**") { request, _ in try await self.handle(request) }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        // Hummingbird reports the cancellation that stops it as an error: noise here.
        var logger = Logger(label: "receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            defer {
                // Held requests would keep the server from stopping.
                release(with: .status(503))
                group.cancelAll()
            }
            var iterator = ports.makeAsyncIterator()
            guard let bound = await iterator.next() else { throw ReceiverError.notStarted }
            return try await body(bound)
        }
    }
}
