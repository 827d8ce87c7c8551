import Foundation
package import Vitals

/// `GET /alerts`: firing, pending and resolved alerts, filtered by state, severity and rule, with buttons that
/// acknowledge an alert or silence its rule and group for an hour through the alert API. Resolved alerts are the
/// history the alerting service keeps (a day after they resolve), each with when it started and ended.
package enum AlertsPage {
    /// One alert as the page shows it (the server maps the alerting service's alerts to these).
    package struct Row: Sendable {
        package var fingerprint: String
        package var rule: String
        package var state: String
        package var severity: String
        package var group: [(key: String, value: String)]
        package var valueText: String
        package var threshold: String
        package var since: Timestamp
        package var summary: String?
        package var recommendation: String?
        /// Who acknowledged it, when it is acknowledged.
        package var acknowledgedBy: String?
        /// The silence or inhibition that mutes it, when it is muted.
        package var muted: String?
        /// When it became active (pending, or firing at once); `since` when not given.
        package var startedAt: Timestamp
        /// When it resolved; `nil` while active.
        package var endedAt: Timestamp?

        package init(
            fingerprint: String,
            rule: String,
            state: String,
            severity: String,
            group: [(key: String, value: String)],
            valueText: String,
            threshold: String,
            since: Timestamp,
            summary: String? = nil,
            recommendation: String? = nil,
            acknowledgedBy: String? = nil,
            muted: String? = nil,
            startedAt: Timestamp? = nil,
            endedAt: Timestamp? = nil
        ) {
            self.fingerprint = fingerprint
            self.rule = rule
            self.state = state
            self.severity = severity
            self.group = group
            self.valueText = valueText
            self.threshold = threshold
            self.since = since
            self.summary = summary
            self.recommendation = recommendation
            self.acknowledgedBy = acknowledgedBy
            self.muted = muted
            self.startedAt = startedAt ?? since
            self.endedAt = endedAt
        }
    }

    /// The filters of `?state=&severity=&rule=`; `nil` shows every value.
    package struct Filter: Sendable {
        package var state: String?
        package var severity: String?
        package var rule: String?

        package init(state: String? = nil, severity: String? = nil, rule: String? = nil) throws(DashboardError) {
            if let state, !["pending", "firing", "resolved"].contains(state) {
                throw DashboardError("state=\(state.prefix(64)): expected pending, firing or resolved")
            }
            self.state = state
            self.severity = severity
            self.rule = rule
        }

        func admits(_ row: Row) -> Bool {
            (state == nil || row.state == state) && (severity == nil || row.severity == severity)
                && (rule == nil || row.rule == rule)
        }
    }

    /// The page; `rows` is `nil` when the server runs without alerting.
    package static func render(_ rows: [Row]?, filter: Filter) -> String {
        guard let rows else {
            return DashboardLayout.page(
                title: "Alerts",
                section: .alerts,
                window: nil,
                path: "/alerts",
                body: "<p>Alerting is not configured: add an <code>alerting:</code> section to the configuration "
                    + "(docs/alerting.md), or set <code>SLACK_WEBHOOK_URL</code>.</p>"
            )
        }
        var body = filterForm(rows, filter: filter)
        body += "<p id=\"alert-status\" role=\"status\" aria-live=\"polite\" class=\"muted\"></p>"
        let shown = rows.filter(filter.admits)
        for state in ["firing", "pending", "resolved"] where filter.state == nil || filter.state == state {
            let inState = shown.filter { $0.state == state }
            guard state != "resolved" else {
                body += "<h2 id=\"history\">History: resolved (\(inState.count))</h2>"
                body += inState.isEmpty ? "<p class=\"muted\">None in the last day.</p>" : history(inState)
                continue
            }
            body += "<h2>\(state.prefix(1).uppercased() + state.dropFirst()) (\(inState.count))</h2>"
            body += inState.isEmpty ? "<p class=\"muted\">None.</p>" : table(inState)
        }
        return DashboardLayout.page(
            title: "Alerts",
            section: .alerts,
            window: nil,
            path: "/alerts",
            body: body,
            script: DashboardAssets.alertScript
        )
    }

    private static func filterForm(_ rows: [Row], filter: Filter) -> String {
        func select(_ name: String, _ label: String, _ values: [String], _ current: String?) -> String {
            var html = "<label for=\"f-\(name)\">\(label)</label><select id=\"f-\(name)\" name=\"\(name)\">"
            html += "<option value=\"\"\(current == nil ? " selected" : "")>any</option>"
            for value in values {
                html += "<option\(value == current ? " selected" : "")>\(Markup.escape(value))</option>"
            }
            return html + "</select>"
        }
        return "<form class=\"inline\" method=\"get\" action=\"/alerts\">"
            + select("state", "State", ["firing", "pending", "resolved"], filter.state)
            + select("severity", "Severity", Set(rows.map(\.severity)).sorted(), filter.severity)
            + select("rule", "Rule", Set(rows.map(\.rule)).sorted(), filter.rule)
            + "<button type=\"submit\">Filter</button></form>"
    }

    private static func table(_ rows: [Row]) -> String {
        var html = """
            <table><thead><tr><th scope="col">Rule</th><th scope="col">Severity</th><th scope="col">Group</th>\
            <th scope="col">Value</th><th scope="col">Threshold</th><th scope="col">Since (UTC)</th>\
            <th scope="col">Status</th><th scope="col">Actions</th></tr></thead><tbody>
            """
        for row in rows {
            let group = row.group.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let sign =
                row.severity == "critical" ? "‼" : row.severity == "warn" || row.severity == "warning" ? "!" : "•"
            var status: [String] = []
            if let acknowledgedBy = row.acknowledgedBy {
                status.append("✓ acknowledged by \(acknowledgedBy.isEmpty ? "someone" : acknowledgedBy)")
            }
            if let muted = row.muted { status.append("muted (\(muted))") }
            let matchers = ["alertname=\(row.rule)"] + row.group.map { "\($0.key)=\($0.value)" }
            let matchersJSON = "[" + matchers.map { jsonString($0) }.joined(separator: ",") + "]"
            let detail = [row.summary, row.recommendation.map { "Recommendation: \($0)" }].compactMap { $0 }
            html += """
                <tr><td>\(Markup.escape(row.rule))\(detail.isEmpty ? "" : "<div class=\"muted\">\(Markup.escape(detail.joined(separator: " ")))</div>")</td>\
                <td class="\(row.severity == "critical" ? "status-bad" : "status-warn")">\(sign) \(Markup.escape(row.severity))</td>\
                <td>\(Markup.escape(group))</td><td>\(Markup.escape(row.valueText))</td>\
                <td>\(Markup.escape(row.threshold))</td><td>\(Markup.escape(row.since.rfc3339))</td>\
                <td>\(Markup.escape(status.isEmpty ? "open" : status.joined(separator: "; ")))</td><td>
                """
            if row.state != "resolved" {
                if row.acknowledgedBy == nil {
                    html +=
                        "<button type=\"button\" data-ack=\"\(Markup.escape(row.fingerprint))\">Acknowledge</button> "
                }
                html += "<button type=\"button\" data-silence=\"\(Markup.escape(matchersJSON))\">Silence 1 h</button>"
            }
            html += "</td></tr>"
        }
        return html + "</tbody></table>"
    }

    /// The resolved alerts, latest end first: when each started and ended and how long it lasted.
    private static func history(_ rows: [Row]) -> String {
        var html = """
            <table id="alert-history"><thead><tr><th scope="col">Rule</th><th scope="col">Severity</th>\
            <th scope="col">Group</th><th scope="col">Last value</th><th scope="col">Threshold</th>\
            <th scope="col">Started (UTC)</th><th scope="col">Ended (UTC)</th><th scope="col">Lasted</th>\
            </tr></thead><tbody>
            """
        for row in rows.sorted(by: { ($0.endedAt ?? $0.since) > ($1.endedAt ?? $1.since) }) {
            let end = row.endedAt ?? row.since
            let lasted = Double(end.nanosecondsSinceEpoch - row.startedAt.nanosecondsSinceEpoch) / 1e6
            html += """
                <tr><td>\(Markup.escape(row.rule))</td><td>\(Markup.escape(row.severity))</td>\
                <td>\(Markup.escape(row.group.map { "\($0.key)=\($0.value)" }.joined(separator: " ")))</td>\
                <td>\(Markup.escape(row.valueText))</td><td>\(Markup.escape(row.threshold))</td>\
                <td>\(Markup.escape(row.startedAt.rfc3339))</td><td>\(Markup.escape(end.rfc3339))</td>\
                <td>\(lastedText(max(lasted, 0) / 1_000))</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    /// `45 s`, `12 min`, `3.5 h`.
    static func lastedText(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.0f s", seconds) }
        if seconds < 3_600 { return String(format: "%.0f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3_600)
    }

    /// `text` as a JSON string literal.
    static func jsonString(_ text: String) -> String {
        var json = JSONWriter()
        json.string(nil, text)
        return String(decoding: json.bytes, as: UTF8.self)
    }
}
