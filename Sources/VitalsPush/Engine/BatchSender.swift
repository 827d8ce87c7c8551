import AsyncHTTPClient
import CompressNIO
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Sends batches to `POST /v1/events`, retrying what may succeed later and nothing else.
///
/// A batch answered 2xx is never sent again: the server has made it durable. A 413 splits the batch in two
/// (the server's limit is lower than ours) down to single lines, which are then rejected locally. Each body
/// carries an `Idempotency-Key` of its own, the same on every retry, so a batch the server committed but whose
/// answer was lost (a timeout, a dropped connection, a database that failed after the commit) is not stored twice.
struct BatchSender: Sendable {
    /// What became of one batch.
    struct Delivery: Sendable {
        /// Each acknowledged part of the batch: the server's answer and the part's lines (indices in the batch).
        var answers: [(answer: IngestAnswer, lines: Range<Int>)] = []
        /// Lines the server would not take at any size (413 for the line alone): batch index and reason.
        var tooLarge: [(line: Int, reason: String)] = []
        var retries = 0
        var failure: PushError?
    }

    private enum Outcome {
        case answered(IngestAnswer)
        case tooLarge(String)
        case failed(PushError)
    }

    let client: HTTPClient
    let configuration: PushConfiguration
    let endpoint: String
    let logger: Logger

    init(client: HTTPClient, configuration: PushConfiguration, logger: Logger) {
        self.client = client
        self.configuration = configuration
        var base = configuration.serverURL
        while base.hasSuffix("/") { base.removeLast() }
        self.endpoint = base + "/v1/events"
        self.logger = logger
    }

    /// Sends `batch`, calling `onRetry` with the number of retries so far before each one.
    func deliver(_ batch: PendingBatch, onRetry: @Sendable (Int) -> Void) async -> Delivery {
        var delivery = Delivery()
        guard !batch.isEmpty else { return delivery }
        await deliver(batch, lines: 0..<batch.lineCount, into: &delivery, onRetry: onRetry)
        return delivery
    }

    private func deliver(
        _ batch: PendingBatch,
        lines: Range<Int>,
        into delivery: inout Delivery,
        onRetry: @Sendable (Int) -> Void
    ) async {
        guard delivery.failure == nil else { return }
        let outcome = await send(
            batch.body(of: lines),
            lineCount: lines.count,
            retries: &delivery.retries,
            onRetry: onRetry
        )
        switch outcome {
        case .answered(let answer):
            delivery.answers.append((answer, lines))
        case .tooLarge(let reason):
            if lines.count == 1 {
                delivery.tooLarge.append((lines.lowerBound, reason))
            } else {
                let middle = lines.lowerBound + lines.count / 2
                logger.debug("413: splitting the batch", metadata: ["lines": "\(lines.count)"])
                await deliver(batch, lines: lines.lowerBound..<middle, into: &delivery, onRetry: onRetry)
                await deliver(batch, lines: middle..<lines.upperBound, into: &delivery, onRetry: onRetry)
            }
        case .failed(let error):
            delivery.failure = error
        }
    }

    private func send(
        _ body: ArraySlice<UInt8>,
        lineCount: Int,
        retries: inout Int,
        onRetry: @Sendable (Int) -> Void
    ) async -> Outcome {
        var payload = ByteBuffer(bytes: body)
        var compressed = false
        if configuration.gzip, let zipped = try? payload.compress(with: .gzip) {
            payload = zipped
            compressed = true
        }
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-ndjson")
        if compressed { request.headers.add(name: "Content-Encoding", value: "gzip") }
        if let token = configuration.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.headers.add(name: "Idempotency-Key", value: UUID().uuidString)
        request.body = .bytes(payload)

        let policy = configuration.retry
        let timeout = TimeAmount.nanoseconds(Self.nanoseconds(configuration.requestTimeout))
        var attempt = 1
        while true {
            let problem: String
            var retryAfter: Duration?
            var underlying: (any Error)?
            var status: Int?
            do {
                let response = try await client.execute(request, timeout: timeout, logger: logger)
                let code = Int(response.status.code)
                // A 2xx whose body cannot be read is still acknowledged; everything else reads it for its message.
                let answer = try? await response.body.collect(upTo: 1 << 20)
                let bytes = answer.map { Array($0.readableBytesView) }
                let summary = "\(code) \(response.status.reasonPhrase)"
                let detail = IngestAnswer.errorMessage(bytes).map { ": \($0)" } ?? ""
                switch code {
                case 200..<300:
                    return .answered(IngestAnswer.decode(bytes, lineCount: lineCount))
                case 413:
                    return .tooLarge("the server answered \(summary)\(detail) even for this line alone")
                case 429, 503:
                    problem = "\(endpoint): server answered \(summary)\(detail)"
                    retryAfter = response.headers.first(name: "Retry-After").flatMap(Self.retryAfter)
                    status = code
                case 400..<500:
                    let hint = code == 401 || code == 403 ? " (check --token or VITALS_TOKEN)" : ""
                    return .failed(
                        PushError(
                            code: .requestRejected,
                            message: "\(endpoint): server answered \(summary)\(detail)\(hint)",
                            status: code
                        )
                    )
                default:
                    return .failed(
                        PushError(
                            code: .serverFailed,
                            message: "\(endpoint): server answered \(summary)\(detail)",
                            status: code
                        )
                    )
                }
            } catch {
                problem = "\(endpoint): cannot reach the server (\(error))"
                underlying = error
            }
            guard attempt < policy.maximumAttempts else {
                return .failed(
                    PushError(
                        code: .unreachable,
                        message: "\(problem); gave up after \(attempt) attempts",
                        status: status,
                        underlying: underlying
                    )
                )
            }
            let delay = policy.delay(beforeRetry: attempt, retryAfter: retryAfter)
            logger.debug("retrying", metadata: ["attempt": "\(attempt)", "problem": "\(problem)"])
            retries += 1
            attempt += 1
            onRetry(retries)
            // Sending runs shielded from cancellation (see PushRun), so this sleep is never cut short.
            try? await Task.sleep(for: delay)
        }
    }

    /// `Retry-After` in seconds; the HTTP-date form is ignored and the backoff alone applies.
    static func retryAfter(_ text: String) -> Duration? {
        guard let seconds = Int(text.trimmingCharacters(in: .whitespaces)), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let parts = duration.components
        return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
    }
}
