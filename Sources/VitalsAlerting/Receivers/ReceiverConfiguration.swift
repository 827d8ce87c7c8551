/// One place notifications go: a name that routes refer to, and how to reach it.
///
/// Slack, webhook and Telegram receivers post over HTTP through a ``NotificationTransport``; a log receiver
/// writes one line per notification through swift-log; a handler receiver calls code of the program that embeds
/// the server. Every kind goes through the same durable outbox, retries, circuit breaker and hourly cap of
/// ``NotificationDelivery``.
///
/// URLs, header values and bot tokens are secrets: they are sent, never logged. Logs and errors name the
/// receiver and the host of its URL only.
///
/// ```swift
/// let receivers = [
///     ReceiverConfiguration(name: "ops", kind: .slack(url: "https://hooks.slack.com/services/T0/B0/XXXX")),
///     ReceiverConfiguration(name: "pager", kind: .webhook(url: "http://127.0.0.1:9093/hook", headers: ["X-Key": k])),
///     ReceiverConfiguration(name: "bot", kind: .telegram(botToken: "123:ABC", chatID: "-100123")),
///     ReceiverConfiguration(name: "audit", kind: .log, maximumNotificationsPerHour: nil),
/// ]
/// ```
public struct ReceiverConfiguration: Sendable {
    /// How a receiver is reached.
    public enum Kind: Sendable {
        /// A Slack incoming webhook (`https://hooks.slack.com/services/…`); messages use Block Kit.
        case slack(url: String)
        /// A generic webhook receiving Alertmanager's version 4 JSON payload, with extra request headers; at
        /// most `maximumAlerts` alerts per message when above 0 (Alertmanager's `max_alerts`, the rest counted in
        /// `truncatedAlerts`).
        case webhook(url: String, headers: [String: String] = [:], maximumAlerts: Int = 0)
        /// A Telegram bot: `sendMessage` to `chatID` through the Bot API at `apiURL`.
        case telegram(botToken: String, chatID: String, apiURL: String = "https://api.telegram.org")
        /// One log line per notification, through the delivery's logger.
        case log
        /// Code of the embedding program (the original `add_alert_callback`).
        case handler(any NotificationHandler)
    }

    /// The receiver's name, unique among the receivers; notifications name it in ``AlertNotification/receiver``.
    public var name: String
    /// How the receiver is reached.
    public var kind: Kind
    /// Notifications sent to this receiver in any hour, at most; `nil` for no cap. Default 10 (the original
    /// `max_alerts_per_hour`). Those over the cap are held back and listed in the next message that goes out.
    public var maximumNotificationsPerHour: Int?
    /// How long one HTTP request or handler call may take before it counts as failed. Default 10 seconds.
    public var timeout: Duration

    /// Creates a receiver.
    ///
    /// - Parameters:
    ///   - name: The receiver's name.
    ///   - kind: How it is reached.
    ///   - maximumNotificationsPerHour: The hourly cap; `nil` for none. Default 10.
    ///   - timeout: The limit of one attempt. Default 10 seconds.
    public init(name: String, kind: Kind, maximumNotificationsPerHour: Int? = 10, timeout: Duration = .seconds(10)) {
        self.name = name
        self.kind = kind
        self.maximumNotificationsPerHour = maximumNotificationsPerHour
        self.timeout = timeout
    }

    /// The receiver's type as configuration files spell it: `slack`, `webhook`, `telegram`, `log` or `handler`.
    public var type: String {
        switch kind {
        case .slack: return "slack"
        case .webhook: return "webhook"
        case .telegram: return "telegram"
        case .log: return "log"
        case .handler: return "handler"
        }
    }

    /// The host the receiver posts to (no scheme, path, port or credentials), or `nil` when it posts nowhere:
    /// the one part of its address that logs may show.
    public var host: String? {
        switch kind {
        case .slack(let url), .webhook(let url, _, _): return SecretRedactor.host(of: url)
        case .telegram(_, _, let apiURL): return SecretRedactor.host(of: apiURL)
        case .log, .handler: return nil
        }
    }

    /// Checks what can be checked before anything is sent: a name, an `http` or `https` URL with a host, a bot
    /// token and chat, a cap and a timeout above zero.
    ///
    /// The message names the receiver and the field, never the secret value.
    ///
    /// - Throws: ``NotificationDeliveryError`` with code `invalidConfiguration`.
    public func validate() throws {
        func fail(_ problem: String) -> NotificationDeliveryError {
            NotificationDeliveryError(
                code: .invalidConfiguration,
                message: "receiver \(name.isEmpty ? "(unnamed)" : name) (\(type)): \(problem)"
            )
        }
        guard !name.isEmpty else { throw fail("name is empty") }
        if let cap = maximumNotificationsPerHour, cap < 1 {
            throw fail("max_notifications_per_hour must be at least 1, got \(cap)")
        }
        guard timeout > .zero else { throw fail("timeout must be above zero") }
        switch kind {
        case .slack(let url):
            guard SecretRedactor.host(of: url) != nil else { throw fail("url must be an http:// or https:// URL") }
        case .webhook(let url, let headers, let maximumAlerts):
            guard SecretRedactor.host(of: url) != nil else { throw fail("url must be an http:// or https:// URL") }
            for name in headers.keys where !Self.isToken(name) {
                throw fail("header name '\(name)' is not a valid HTTP field name")
            }
            for (name, value) in headers where value.contains(where: { $0 == "\r" || $0 == "\n" }) {
                throw fail("the value of header '\(name)' holds a line break")
            }
            guard maximumAlerts >= 0 else { throw fail("max_alerts must be 0 (no limit) or more") }
        case .telegram(let token, let chatID, let apiURL):
            guard !token.isEmpty else { throw fail("bot_token is empty") }
            guard !token.contains(where: { $0 == "/" || $0 == "?" || $0 == "#" || $0 == " " }) else {
                throw fail("bot_token holds a character a token cannot have ('/', '?', '#' or a space)")
            }
            guard !chatID.isEmpty else { throw fail("chat_id is empty") }
            guard SecretRedactor.host(of: apiURL) != nil else {
                throw fail("api_url must be an http:// or https:// URL")
            }
        case .log, .handler:
            break
        }
    }

    /// RFC 9110 `token`: the characters a field name may hold.
    private static func isToken(_ text: String) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    return true
                default:
                    return "!#$%&'*+-.^_`|~".utf8.contains(byte)
                }
            }
    }
}
