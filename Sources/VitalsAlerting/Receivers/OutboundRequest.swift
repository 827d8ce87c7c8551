/// The HTTP request that tells one receiver about one notification: what ``NotificationTransport`` posts.
///
/// ```swift
/// let receiver = ReceiverConfiguration(name: "ops", kind: .slack(url: slackURL))
/// if let request = receiver.request(for: notification) {
///     let response = try await transport.post(
///         url: request.url, headers: request.headers, body: request.body, timeout: .seconds(10))
/// }
/// ```
public struct OutboundRequest: Sendable, Hashable {
    /// Where it goes. May hold a secret (Slack's path, a bot token): never log it.
    public var url: String
    /// Header fields by name: `Content-Type`, `User-Agent`, `X-Vitals-Notification-Id` and a webhook's own.
    public var headers: [String: String]
    /// The JSON body.
    public var body: [UInt8]

    /// Creates a request.
    public init(url: String, headers: [String: String], body: [UInt8]) {
        self.url = url
        self.headers = headers
        self.body = body
    }
}

extension ReceiverConfiguration {
    /// The request that tells this receiver about `notification`, or `nil` for a log or handler receiver,
    /// which post nothing.
    ///
    /// - Slack: a Block Kit message (`text`, `blocks`, `attachments` with the severity's colour).
    /// - Webhook: Alertmanager's version 4 payload, with the configured headers.
    /// - Telegram: `POST {apiURL}/bot{token}/sendMessage` with `chat_id`, HTML `text`, `parse_mode` and
    ///   `disable_web_page_preview`.
    ///
    /// Every request carries `X-Vitals-Notification-Id` (``AlertNotification/id``), which a receiver can use to
    /// recognise a notification delivered twice.
    ///
    /// - Parameter notification: The notification, with its held-back lines.
    /// - Returns: The request, or `nil` when the receiver is not reached over HTTP.
    public func request(for notification: AlertNotification) -> OutboundRequest? {
        var headers = [
            "Content-Type": "application/json",
            "User-Agent": "Vitals",
            "X-Vitals-Notification-Id": notification.id,
        ]
        switch kind {
        case .slack(let url):
            return OutboundRequest(url: url, headers: headers, body: SlackMessage(notification).encoded())
        case .webhook(let url, let extra, let maximumAlerts):
            // The configured headers win (field names compare without case), so a receiver that wants its own
            // User-Agent gets it.
            for (name, value) in extra {
                for existing in headers.keys where existing.lowercased() == name.lowercased() {
                    headers[existing] = nil
                }
                headers[name] = value
            }
            let payload = AlertmanagerPayload(notification, maximumAlerts: maximumAlerts)
            return OutboundRequest(url: url, headers: headers, body: payload.encoded())
        case .telegram(let token, let chatID, let apiURL):
            var base = apiURL
            while base.hasSuffix("/") { base.removeLast() }
            return OutboundRequest(
                url: base + "/bot" + token + "/sendMessage",
                headers: headers,
                body: TelegramMessage(notification, chatID: chatID).encoded()
            )
        case .log, .handler:
            return nil
        }
    }
}
