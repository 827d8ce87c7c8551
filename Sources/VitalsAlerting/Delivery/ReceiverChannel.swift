import Logging
import Vitals
import VitalsStore

/// One attempt to tell one receiver about one notification, and what came of it.
struct ReceiverChannel: Sendable {
    enum Outcome: Sendable {
        /// The receiver has it.
        case delivered
        /// It may work later: a 5xx, 408 or 429, no answer, a handler's error.
        case failed(reason: String, retryAfter: RetryAfter?)
        /// The receiver refused it and would again: a 4xx other than 408 and 429.
        case rejected(reason: String)
        /// The attempt was cut short by cancellation: it tells nothing about the receiver.
        case cancelled
    }

    let receiver: ReceiverConfiguration
    let transport: (any NotificationTransport)?
    let redactor: SecretRedactor
    let logger: Logger

    init(receiver: ReceiverConfiguration, transport: (any NotificationTransport)?, logger: Logger) {
        self.receiver = receiver
        self.transport = transport
        self.redactor = SecretRedactor(receiver)
        self.logger = logger
    }

    func deliver(_ notification: AlertNotification) async -> Outcome {
        switch receiver.kind {
        case .log:
            log(notification)
            return .delivered
        case .handler(let handler):
            do {
                try await withTimeout(receiver.timeout, name: "notification_handler") {
                    try await handler.handle(notification)
                }
                return .delivered
            } catch {
                if Task.isCancelled { return .cancelled }
                return .failed(reason: redactor.redact("the handler failed: \(error)"), retryAfter: nil)
            }
        case .slack, .webhook, .telegram:
            guard let transport, let request = receiver.request(for: notification) else {
                return .rejected(reason: "no HTTP transport is configured")
            }
            let response: TransportResponse
            do {
                response = try await transport.post(
                    url: request.url,
                    headers: request.headers,
                    body: request.body,
                    timeout: receiver.timeout
                )
            } catch {
                if Task.isCancelled { return .cancelled }
                return .failed(reason: redactor.redact("no answer: \(error)"), retryAfter: nil)
            }
            return classify(response)
        }
    }

    /// 2xx delivered; 408, 429 and 5xx worth another try; any other status refused for good.
    func classify(_ response: TransportResponse) -> Outcome {
        let status = response.statusCode
        if (200..<300).contains(status) { return .delivered }
        var reason = "answered \(status)"
        let explanation = Self.explanation(response.body)
        if !explanation.isEmpty { reason += ": " + redactor.redact(explanation) }
        switch status {
        case 408, 429, 500..<600:
            return .failed(reason: reason, retryAfter: response.retryAfter ?? telegramRetryAfter(response))
        default:
            return .rejected(reason: reason)
        }
    }

    /// Telegram says when to come back in its JSON body (`parameters.retry_after`) as well as, or instead of,
    /// a `Retry-After` field.
    private func telegramRetryAfter(_ response: TransportResponse) -> RetryAfter? {
        guard case .telegram = receiver.kind, response.statusCode == 429 else { return nil }
        let text = String(decoding: response.body.prefix(4_096), as: UTF8.self)
        guard let key = text.firstRange(of: "\"retry_after\"") else { return nil }
        let digits = text[key.upperBound...].drop { $0 == ":" || $0 == " " }.prefix { $0.isASCII && $0.isNumber }
        return Int64(digits).map { .seconds($0) }
    }

    /// The first line of a receiver's answer, at most 200 characters: Slack's `invalid_payload`, Telegram's
    /// description, a webhook's error.
    static func explanation(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(1_024), as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return AlertText.truncated(String(line.trimmingWhitespace()), to: 200)
    }

    /// The log receiver's one line: the title, with the rest as metadata.
    private func log(_ notification: AlertNotification) {
        var metadata: Logger.Metadata = [
            "receiver": "\(receiver.name)",
            "notification_id": "\(notification.id)",
            "group_key": "\(notification.groupKey)",
            "status": "\(notification.status.rawValue)",
            "alerts": "\(notification.alerts.count)",
        ]
        if let severity = AlertText.highestSeverity(of: notification) { metadata["severity"] = "\(severity)" }
        if !notification.heldBack.isEmpty {
            metadata["held_back"] = "\(notification.heldBack.count)"
            metadata["held_back_titles"] = "\(notification.heldBack.joined(separator: "; "))"
        }
        logger.log(
            level: notification.status == .firing ? .warning : .notice,
            "\(notification.title)",
            metadata: metadata
        )
    }
}
