import Vitals

/// The words and links every receiver's message is made of, so that Slack, Telegram and the log say the same.
enum AlertText {
    /// Severities from the most to the least urgent; `warning` is read as `warn`.
    static let severityOrder = ["critical", "high", "medium", "warn"]

    /// Labels that the message shows on their own line, not among the group labels.
    static let ownLabels: Set<String> = ["alertname", "severity"]

    /// `warn` for `warning`, the lowercased severity otherwise.
    static func normalizedSeverity(_ severity: String) -> String {
        let lowered = severity.lowercased()
        return lowered == "warning" ? "warn" : lowered
    }

    /// The most urgent severity among the firing alerts (`nil` when none fires or none has a known severity).
    static func highestSeverity(of notification: AlertNotification) -> String? {
        let firing = Set(notification.alerts.filter { $0.status == .firing }.map { normalizedSeverity($0.severity) })
        return severityOrder.first { firing.contains($0) }
    }

    /// The alerts in the order messages list them: firing before resolved, then by severity, rule and
    /// fingerprint (a stable order whatever order the dispatcher used).
    static func ordered(_ alerts: [AlertSnapshot]) -> [AlertSnapshot] {
        func rank(_ alert: AlertSnapshot) -> Int {
            severityOrder.firstIndex(of: normalizedSeverity(alert.severity)) ?? severityOrder.count
        }
        return alerts.sorted { a, b in
            if a.status != b.status { return a.status == .firing }
            if rank(a) != rank(b) { return rank(a) < rank(b) }
            if a.ruleName != b.ruleName { return a.ruleName < b.ruleName }
            return a.fingerprint < b.fingerprint
        }
    }

    /// The alert's labels other than `alertname` and `severity`, as `key=value`, sorted by key.
    static func groupLabels(of alert: AlertSnapshot) -> [String] {
        alert.labels.filter { !ownLabels.contains($0.key) }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// `12.5 against threshold 10`, from the annotations `value` and `threshold` (or the snapshot's value);
    /// `nil` when neither is known.
    static func valueAgainstThreshold(of alert: AlertSnapshot) -> String? {
        let value = alert.annotations["value"] ?? alert.value.map(AttributeValue.format)
        let threshold = alert.annotations["threshold"]
        switch (value, threshold) {
        case (let value?, let threshold?): return "\(value) against threshold \(threshold)"
        case (let value?, nil): return value
        case (nil, let threshold?): return "threshold \(threshold)"
        case (nil, nil): return nil
        }
    }

    /// The summary, or the description when there is no summary.
    static func summary(of alert: AlertSnapshot) -> String? {
        let text = alert.annotations["summary"] ?? alert.annotations["description"]
        return text?.isEmpty == false ? text : nil
    }

    /// The dashboard page of one alert: `{externalURL}/alerts?fingerprint=…`; `nil` without an external URL.
    static func dashboardLink(for alert: AlertSnapshot, externalURL: String) -> String? {
        guard let base = trimmedBase(externalURL) else { return nil }
        return base + "/alerts?fingerprint=" + percentEncoded(alert.fingerprint)
    }

    /// The dashboard's alert list: `{externalURL}/alerts`; `nil` without an external URL.
    static func dashboardLink(externalURL: String) -> String? {
        trimmedBase(externalURL).map { $0 + "/alerts" }
    }

    /// `FIRING` or `RESOLVED`.
    static func statusWord(_ status: AlertStatus) -> String {
        status == .firing ? "FIRING" : "RESOLVED"
    }

    /// `since 2025-12-15 04:08 UTC` for a firing alert, `resolved 2025-12-15 04:30 UTC` for a resolved one.
    static func when(_ alert: AlertSnapshot) -> String {
        if alert.status == .resolved, let end = alert.endsAt { return "resolved " + minute(end) }
        return "since " + minute(alert.startsAt)
    }

    /// `2025-12-15 04:08 UTC`.
    static func minute(_ timestamp: Timestamp) -> String {
        let text = timestamp.rfc3339
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5)) + " UTC"
    }

    /// `text` cut to at most `limit` characters, ending in `…` when cut.
    static func truncated(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(max(0, limit - 1))) + "…"
    }

    /// The header line of the held-back section: `3 notifications held back by the hourly cap`.
    static func heldBackHeading(_ count: Int) -> String {
        count == 1 ? "1 notification held back by the hourly cap" : "\(count) notifications held back by the hourly cap"
    }

    /// `heading` followed by one `• line` per held-back line (each cut to `lineLimit` characters), as many as
    /// `fits` accepts, then `…and N more` for the rest.
    static func heldBackList(
        _ heldBack: [String],
        heading: String,
        lineLimit: Int,
        escaped: (String) -> String,
        fits: (_ text: String, _ item: String) -> Bool
    ) -> String {
        var text = heading
        for (index, line) in heldBack.enumerated() {
            let item = "\n• " + escaped(truncated(line, to: lineLimit))
            guard fits(text, item) else {
                text += "\n…and \(heldBack.count - index) more"
                break
            }
            text += item
        }
        return text
    }

    /// `text` with `&`, `<` and `>` (and `"` when `quotes` is set) written as HTML entities.
    static func entityEscaped(_ text: String, quotes: Bool) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"" where quotes: output += "&quot;"
            default: output.append(character)
            }
        }
        return output
    }

    /// `…and 3 more alerts`.
    static func moreAlerts(_ count: Int) -> String {
        count == 1 ? "…and 1 more alert" : "…and \(count) more alerts"
    }

    private static func trimmedBase(_ url: String) -> String? {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        return base.isEmpty ? nil : base
    }

    /// Percent-encoding of everything but RFC 3986's unreserved characters, for a query value.
    static func percentEncoded(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return output
    }
}
