import CompressNIO
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A real HTTP receiver for `POST /v1/events` on 127.0.0.1, recording every request it gets.
///
/// By default it stores every line and rejects those containing `"bad"`; scripted replies (503, 400, …)
/// are used first, one per request.
final class Receiver: Sendable {
    struct Received: Sendable {
        var lines: [String]
        var bodyBytes: Int
        var gzip: Bool
        var authorization: String?
        var contentType: String?
        var idempotencyKey: String?
    }

    enum Reply: Sendable {
        case status(Int, body: String = "", retryAfter: String? = nil)
        /// A 2xx whose body is not the expected JSON.
        case garbage
    }

    private struct State {
        var requests: [Received] = []
        var script: [Reply] = []
        var tooLargeAbove: Int?
    }

    private let state = Mutex(State())

    init(script: [Reply] = [], tooLargeAbove: Int? = nil) {
        state.withLock {
            $0.script = script
            $0.tooLargeAbove = tooLargeAbove
        }
    }

    var requests: [Received] { state.withLock { $0.requests } }
    /// Lines of the requests answered 2xx, in order.
    var storedLines: [String] { state.withLock { $0.requests.flatMap(\.lines) } }

    private let stored = Mutex([String]())
    var acknowledgedLines: [String] { stored.withLock { $0 } }

    /// Waits until `count` lines were acknowledged; fails after about 30 s so a broken test cannot hang.
    func waitForAcknowledged(_ count: Int) async throws {
        for _ in 0..<3_000 {
            if acknowledgedLines.count >= count { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CancellationError()
    }

    func handle(_ request: Request) async throws -> Response {
        var body = try await request.body.collect(upTo: 64 << 20)
        let size = body.readableBytes
        let gzip = request.headers[.contentEncoding] == "gzip"
        if gzip { body = try body.decompress(with: .gzip) }
        let text = String(buffer: body)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let content = lines.last == "" ? Array(lines.dropLast()) : lines
        let received = Received(
            lines: content,
            bodyBytes: size,
            gzip: gzip,
            authorization: request.headers[.authorization],
            contentType: request.headers[.contentType],
            idempotencyKey: request.headers[HTTPFields.Element.Name("Idempotency-Key")!]
        )
        let reply: Reply? = state.withLock { state in
            state.requests.append(received)
            if let limit = state.tooLargeAbove, content.count > limit { return .status(413) }
            return state.script.isEmpty ? nil : state.script.removeFirst()
        }
        switch reply {
        case .status(let code, let text, let retryAfter)?:
            var headers = HTTPFields()
            if let retryAfter { headers[.retryAfter] = retryAfter }
            return Response(
                status: .init(code: code),
                headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: text))
            )
        case .garbage?:
            stored.withLock { $0.append(contentsOf: content) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "stored")))
        case nil:
            stored.withLock { $0.append(contentsOf: content) }
            var rejected: [String] = []
            for (index, line) in content.enumerated() where line.contains("\"bad\"") {
                rejected.append(#"{"line":\#(index + 1),"reason":"field \"bad\" is not allowed"}"#)
            }
            let json =
                #"{"accepted":\#(content.count - rejected.count),"rejected":[\#(rejected.joined(separator: ","))],"#
                + #""rejected_count":\#(rejected.count),"overflowed":0}"#
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: json)))
        }
    }

    /// Runs the receiver on 127.0.0.1 (`port` 0 picks a free one) while `body` runs with the bound port.
    func serve<T: Sendable>(port: Int = 0, _ body: @Sendable (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/v1/events") { request, _ in try await self.handle(request) }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "receiver")
        logger.logLevel = .error
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
            var iterator = ports.makeAsyncIterator()
            guard let bound = await iterator.next() else { throw CancellationError() }
            do {
                let result = try await body(bound)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}

/// A temporary directory holding the test's files, removed afterwards.
struct TemporaryFiles {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "vitals-push-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func append(_ path: String, _ text: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// `count` event lines numbered from `start`.
func eventLines(_ count: Int, from start: Int = 1) -> [String] {
    (start..<(start + count)).map { #"{"event":"llm_call","duration_ms":\#($0),"n":\#($0)}"# }
}
