import Foundation

/// A Slack incoming-webhook message in Block Kit: a header with the notification's title, then an attachment
/// whose colour bar tells the severity (green once resolved) holding one section per alert, the held-back
/// lines of the hourly cap, and a link to the dashboard.
///
/// Slack's limits are kept: at most 50 blocks, a header of at most 150 characters and sections of at most
/// 3,000; alerts that do not fit are counted in a last line ("…and 12 more alerts"). Text is escaped for
/// Slack's mrkdwn (`&`, `<`, `>`), so label values cannot make links or mentions.
struct SlackMessage: Encodable {
    struct Text: Encodable {
        var type: String
        var text: String
        var emoji: Bool?

        static func plain(_ text: String) -> Text { Text(type: "plain_text", text: text, emoji: true) }
        static func markdown(_ text: String) -> Text { Text(type: "mrkdwn", text: text, emoji: nil) }
    }

    struct Block: Encodable {
        var type: String
        var text: Text?
        var elements: [Text]?

        static func header(_ text: String) -> Block { Block(type: "header", text: .plain(text)) }
        static func section(_ text: String) -> Block { Block(type: "section", text: .markdown(text)) }
        static func context(_ text: String) -> Block { Block(type: "context", elements: [.markdown(text)]) }
    }

    struct Attachment: Encodable {
        var color: String
        var blocks: [Block]
    }

    var text: String
    var blocks: [Block]
    var attachments: [Attachment]

    static let maximumBlocks = 50
    static let maximumHeaderLength = 150
    static let maximumSectionLength = 3_000
    /// Alert sections per message; with the header, the last line, the held-back section and the link this
    /// stays far below 50 blocks.
    static let maximumAlertSections = 20
    /// Characters of alert sections per message: Slack cuts messages of about 40,000 characters.
    static let alertTextBudget = 24_000

    static let colours = [
        "critical": "#D0021B",
        "high": "#F5740F",
        "medium": "#F2C230",
        "warn": "#439FE0",
    ]
    static let resolvedColour = "#2EB67D"
    static let unknownColour = "#9B9B9B"

    init(_ notification: AlertNotification) {
        let firing = notification.status == .firing
        let title = (firing ? "🔥 " : "✅ ") + notification.title
        text = AlertText.truncated(title, to: Self.maximumSectionLength)
        blocks = [.header(AlertText.truncated(title, to: Self.maximumHeaderLength))]

        var sections: [Block] = []
        var used = 0
        let alerts = AlertText.ordered(notification.alerts)
        for alert in alerts {
            let section = AlertText.truncated(
                Self.section(for: alert, externalURL: notification.externalURL),
                to: Self.maximumSectionLength
            )
            guard sections.count < Self.maximumAlertSections, used + section.count <= Self.alertTextBudget else {
                break
            }
            used += section.count
            sections.append(.section(section))
        }
        if sections.count < alerts.count {
            sections.append(.context(AlertText.moreAlerts(alerts.count - sections.count)))
        }
        if !notification.heldBack.isEmpty {
            sections.append(.section(Self.heldBackSection(notification.heldBack)))
        }
        if let link = AlertText.dashboardLink(externalURL: notification.externalURL) {
            sections.append(.context("<\(Self.escaped(link))|Open the alerts in Vitals>"))
        }
        let colour: String
        if firing {
            colour = AlertText.highestSeverity(of: notification).flatMap { Self.colours[$0] } ?? Self.unknownColour
        } else {
            colour = Self.resolvedColour
        }
        attachments = [Attachment(color: colour, blocks: sections)]
    }

    /// One alert: status and rule, severity, group labels, value against threshold, summary, recommendation,
    /// and since when, linked to its dashboard page.
    static func section(for alert: AlertSnapshot, externalURL: String) -> String {
        var lines: [String] = []
        var head =
            "*\(AlertText.statusWord(alert.status))* · *\(escaped(alert.ruleName.isEmpty ? "alert" : alert.ruleName))*"
        if !alert.severity.isEmpty { head += " · `\(escaped(alert.severity))`" }
        lines.append(head)
        let group = AlertText.groupLabels(of: alert)
        if !group.isEmpty { lines.append("*Group:* " + escaped(group.joined(separator: ", "))) }
        if let value = AlertText.valueAgainstThreshold(of: alert) { lines.append("*Value:* " + escaped(value)) }
        if let summary = AlertText.summary(of: alert) {
            lines.append("*Summary:* " + escaped(AlertText.truncated(summary, to: 800)))
        }
        if let recommendation = alert.annotations["recommendation"], !recommendation.isEmpty {
            lines.append("*Recommendation:* " + escaped(AlertText.truncated(recommendation, to: 800)))
        }
        var footer = AlertText.when(alert)
        if let link = AlertText.dashboardLink(for: alert, externalURL: externalURL) {
            footer += " · <\(escaped(link))|dashboard>"
        }
        lines.append(footer)
        return lines.joined(separator: "\n")
    }

    /// The held-back lines under their count, as many as fit in one section, then how many more there were.
    static func heldBackSection(_ heldBack: [String]) -> String {
        // Room for the last line, whatever the count.
        let budget = maximumSectionLength - 40
        return AlertText.heldBackList(
            heldBack,
            heading: "*⏸ " + AlertText.heldBackHeading(heldBack.count) + "*",
            lineLimit: 300,
            escaped: escaped
        ) { $0.count + $1.count <= budget }
    }

    /// Slack's mrkdwn escaping: `&`, `<` and `>` as entities; everything else is literal.
    static func escaped(_ text: String) -> String {
        AlertText.entityEscaped(text, quotes: false)
    }

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data())
    }
}
