import Foundation

/// A Telegram Bot API `sendMessage` request: the notification as HTML (`parse_mode: HTML`), without link
/// previews, within Telegram's 4,096 characters.
///
/// Every text from the alert is escaped (`&`, `<`, `>`, `"`), so that label values cannot break the markup.
/// Whole alerts are left out when the message would be too long, and counted in a last line; the length is
/// measured on the HTML itself, which is never shorter than what Telegram counts.
struct TelegramMessage: Encodable {
    var chatID: String
    var text: String
    var parseMode = "HTML"
    var disableWebPagePreview = true

    enum CodingKeys: String, CodingKey {
        case chatID = "chat_id"
        case text
        case parseMode = "parse_mode"
        case disableWebPagePreview = "disable_web_page_preview"
    }

    static let maximumLength = 4_096

    init(_ notification: AlertNotification, chatID: String) {
        self.chatID = chatID
        let firing = notification.status == .firing
        let title =
            "<b>" + Self.escaped(AlertText.truncated((firing ? "🔥 " : "✅ ") + notification.title, to: 300))
            + "</b>"
        let heldBack = notification.heldBack.isEmpty ? "" : Self.heldBackSection(notification.heldBack)
        let link = AlertText.dashboardLink(externalURL: notification.externalURL).map {
            "\n\n<a href=\"\(Self.escaped($0))\">Open the alerts in Vitals</a>"
        }
        // Room kept for the "…and N more alerts" line.
        let budget = Self.maximumLength - title.utf16.count - heldBack.utf16.count - (link?.utf16.count ?? 0) - 40
        var body = ""
        let alerts = AlertText.ordered(notification.alerts)
        var shown = 0
        for alert in alerts {
            let block = "\n\n" + Self.block(for: alert, externalURL: notification.externalURL)
            guard body.utf16.count + block.utf16.count <= budget else { break }
            body += block
            shown += 1
        }
        if shown < alerts.count { body += "\n\n" + AlertText.moreAlerts(alerts.count - shown) }
        text = title + body + heldBack + (link ?? "")
        // Only an external URL of thousands of characters gets here; the message matters more than the link.
        if text.utf16.count > Self.maximumLength { text = title + body + heldBack }
    }

    /// One alert: status, rule and severity, group labels, value against threshold, summary, recommendation,
    /// since when, and a link to its dashboard page.
    static func block(for alert: AlertSnapshot, externalURL: String) -> String {
        let rule = escaped(alert.ruleName.isEmpty ? "alert" : alert.ruleName)
        var head = "<b>\(AlertText.statusWord(alert.status))</b> · <b>\(rule)</b>"
        if !alert.severity.isEmpty { head += " · <code>\(escaped(alert.severity))</code>" }
        var lines = [head]
        let group = AlertText.groupLabels(of: alert)
        if !group.isEmpty { lines.append(escaped(AlertText.truncated(group.joined(separator: ", "), to: 400))) }
        if let value = AlertText.valueAgainstThreshold(of: alert) { lines.append("Value: " + escaped(value)) }
        if let summary = AlertText.summary(of: alert) { lines.append(escaped(AlertText.truncated(summary, to: 600))) }
        if let recommendation = alert.annotations["recommendation"], !recommendation.isEmpty {
            lines.append("<i>Recommendation:</i> " + escaped(AlertText.truncated(recommendation, to: 600)))
        }
        var footer = AlertText.when(alert)
        if let link = AlertText.dashboardLink(for: alert, externalURL: externalURL) {
            footer += " · <a href=\"\(escaped(link))\">dashboard</a>"
        }
        lines.append(footer)
        return lines.joined(separator: "\n")
    }

    /// The held-back lines under their count: at most 1,000 characters of them, then how many more there were.
    static func heldBackSection(_ heldBack: [String]) -> String {
        AlertText.heldBackList(
            heldBack,
            heading: "\n\n<b>⏸ " + AlertText.heldBackHeading(heldBack.count) + "</b>",
            lineLimit: 200,
            escaped: escaped
        ) { $0.utf16.count + $1.utf16.count <= 1_000 }
    }

    /// The escaping Telegram's HTML mode asks for: `&`, `<`, `>` and `"` as entities.
    static func escaped(_ text: String) -> String {
        AlertText.entityEscaped(text, quotes: true)
    }

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data())
    }
}
