import Foundation
import Vitals
import VitalsRules
import VitalsStore

/// `GET /tools`: the four latency tiers with their targets and timeouts, each tool's tier, p50/p95, timeout rate and
/// verdict, the providers' timeout rates, and the observations (see ``ToolObservation``) filtered by severity and
/// category, with an Acknowledge button where an alert backs one.
package enum ToolsPage {
    /// What each tier holds, as seed 004 describes it.
    static let kinds = [1: "no parameters", 2: "simple parameters", 3: "file-dependent", 4: "complex workflows"]

    /// The page.
    package static func render(_ data: ToolsData, filter: ToolObservation.Filter) -> String {
        var body = "<p class=\"muted\"><code>tool_call</code> events over the \(data.window.title).</p>"
        body += "<p id=\"alert-status\" role=\"status\" aria-live=\"polite\" class=\"muted\"></p>"
        body += tiers()
        if !data.tierIsLabel {
            body += """
                <p class="error" role="note">The store does not keep <code>tier</code> as a label, so the tier rules \
                see no data: add <code>tier</code> to <code>label_keys</code> in the configuration.</p>
                """
        }
        let untiered = data.tools.filter { $0.tier == nil }.count
        if data.tierIsLabel, untiered > 0 {
            body += """
                <p class="error" role="note">\(untiered) tool\(untiered == 1 ? " has" : "s have") no tier from 1 to 4: \
                send <code>tier</code> as text (<code>"tier":"2"</code>); the store keeps only text attributes as \
                labels.</p>
                """
        }
        body += tools(data)
        body += providers(data)
        body += observations(data, filter: filter)
        return DashboardLayout.page(
            title: "Tools",
            section: .tools,
            window: data.window,
            path: "/tools",
            query: [
                filter.severity.map { "severity=\($0.rawValue)" }, filter.category.map { "category=\($0.rawValue)" },
            ].compactMap { $0 },
            body: body,
            script: DashboardAssets.alertScript
        )
    }

    private static func tiers() -> String {
        var html = """
            <section aria-labelledby="h-tiers"><h2 id="h-tiers">Tiers</h2><table id="tiers"><thead><tr>\
            <th scope="col">Tier</th><th scope="col" class="text">Kind of tool</th><th scope="col">Typical (p50) at least</th>\
            <th scope="col">p95 at most</th><th scope="col">Timeout</th></tr></thead><tbody>
            """
        for tier in (1...4).compactMap(ToolTier.init) {
            let floor = tier.rules.first { $0.name.hasSuffix("-floor") }?.thresholds.first?.threshold.text
            html += """
                <tr><td>Tier \(tier.number)</td><td class="text">\(kinds[tier.number] ?? "")</td>\
                <td>\(Markup.escape(floor.map { $0.replacingOccurrences(of: "< ", with: "") } ?? "–"))</td>\
                <td>\(compact(tier.latencyCeilingMilliseconds))</td>\
                <td>\(compact(Double(tier.timeout.nanoseconds) / 1e6))</td></tr>
                """
        }
        return html + "</tbody></table></section>"
    }

    /// A target as the packs write it: `100ms`, `5s`.
    static func compact(_ milliseconds: Double) -> String {
        milliseconds < 1_000
            ? String(format: "%gms", milliseconds) : String(format: "%gs", milliseconds / 1_000)
    }

    private static func tools(_ data: ToolsData) -> String {
        var html = "<section aria-labelledby=\"h-tools\"><h2 id=\"h-tools\">Tools (\(data.tools.count))</h2>"
        guard !data.tools.isEmpty else {
            return html + "<p>No <code>tool_call</code> events with a <code>tool</code> label in the "
                + "\(data.window.title).</p></section>"
        }
        html += """
            <table id="tools"><thead><tr><th scope="col">Tool</th><th scope="col">Tier</th>\
            <th scope="col">Calls</th><th scope="col">p50</th><th scope="col">p95</th>\
            <th scope="col">Timeouts</th><th scope="col">Verdict</th></tr></thead><tbody>
            """
        for tool in data.tools {
            let violated = tool.results.filter { $0.status == .violated }
            let verdict: (text: String, style: String)
            if !violated.isEmpty {
                verdict = ("✗ fail: " + violated.map(\.rule.name).joined(separator: ", "), "status-bad")
            } else if tool.results.contains(where: { $0.status == .passed }) {
                verdict = ("✓ pass", "status-ok")
            } else {
                verdict = ("– no data", "muted")
            }
            let timeouts = tool.statistics.timeouts
            html += """
                <tr data-tool="\(Markup.escape(tool.name))"><td>\(Markup.escape(tool.name))</td>\
                <td>\(tool.tier.map { "Tier \($0.number)" } ?? "–")</td><td>\(Format.count(tool.statistics.count))</td>\
                <td>\(Format.milliseconds(tool.statistics.quantile(0.5)))</td>\
                <td>\(Format.milliseconds(tool.statistics.quantile(0.95)))</td>\
                <td class="\(timeouts > 0 ? "status-bad" : "")">\(Format.count(timeouts)) \
                (\(Format.percent(tool.timeoutRate)))</td>\
                <td class="\(verdict.style)">\(Markup.escape(verdict.text))</td></tr>
                """
        }
        return html + "</tbody></table></section>"
    }

    private static func providers(_ data: ToolsData) -> String {
        var html = "<section aria-labelledby=\"h-providers\"><h2 id=\"h-providers\">Provider timeouts</h2>"
        guard !data.providers.isEmpty else {
            return html + "<p>No events with a <code>provider</code> label in the \(data.window.title).</p></section>"
        }
        html += """
            <table id="providers"><caption class="muted">Every event carrying a <code>provider</code> label; \
            highest timeout rate first</caption><thead><tr><th scope="col">Provider</th><th scope="col">Events</th>\
            <th scope="col">Timeouts</th><th scope="col">Errors</th><th scope="col">p95</th></tr></thead><tbody>
            """
        for provider in data.providers {
            let statistics = provider.statistics
            html += """
                <tr data-provider="\(Markup.escape(provider.name))"><td>\(Markup.escape(provider.name))</td>\
                <td>\(Format.count(statistics.count))</td>\
                <td class="\(statistics.timeouts > 0 ? "status-bad" : "")">\(Format.count(statistics.timeouts)) \
                (\(Format.percent(provider.timeoutRate)))</td>\
                <td>\(Format.count(statistics.errors)) (\(Format.percent(statistics.errorRate)))</td>\
                <td>\(Format.milliseconds(statistics.quantile(0.95)))</td></tr>
                """
        }
        return html + "</tbody></table></section>"
    }

    private static func observations(_ data: ToolsData, filter: ToolObservation.Filter) -> String {
        let shown = data.observations.filter(filter.admits)
        var html = """
            <section aria-labelledby="h-observations"><h2 id="h-observations">Observations (\(shown.count))</h2>\
            <p class="muted">Violations of the <code>tool-tiers</code> and <code>pipeline</code> packs; one with an \
            alert behind it can be acknowledged.</p>
            """
        html += filterForm(data.window, filter: filter)
        guard !shown.isEmpty else { return html + "<p class=\"muted\">None.</p></section>" }
        html += """
            <table id="observations"><thead><tr><th scope="col">Rule</th><th scope="col">Severity</th>\
            <th scope="col">Category</th><th scope="col">Group</th><th scope="col">Value</th>\
            <th scope="col">Thresholds</th><th scope="col">Acknowledgement</th></tr></thead><tbody>
            """
        for observation in shown {
            let result = observation.result
            let sign = observation.severity == "critical" ? "‼" : observation.severity == "warn" ? "•" : "!"
            var acknowledgement: String
            if let alert = observation.alert {
                if let author = alert.acknowledgedBy {
                    acknowledgement = Markup.escape("✓ acknowledged by \(author.isEmpty ? "someone" : author)")
                } else {
                    acknowledgement =
                        "<button type=\"button\" data-ack=\"\(Markup.escape(alert.fingerprint))\">Acknowledge</button>"
                }
            } else {
                acknowledgement = data.alerting ? "no alert" : "alerting off"
            }
            html += """
                <tr><td>\(Markup.escape(result.rule.name))\
                \(result.rule.recommendation.map { "<div class=\"muted\">\(Markup.escape($0))</div>" } ?? "")</td>\
                <td class="\(observation.severity == "warn" ? "status-warn" : "status-bad")">\
                \(sign) \(Markup.escape(observation.severity))</td>\
                <td>\(observation.category.rawValue)</td><td>\(Markup.escape(result.groupText))</td>\
                <td>\(Markup.escape("\(result.rule.metric) \(result.valueText)"))</td>\
                <td>\(Markup.escape(result.thresholdsText))</td><td>\(acknowledgement)</td></tr>
                """
        }
        return html + "</tbody></table></section>"
    }

    private static func filterForm(_ window: DashboardWindow, filter: ToolObservation.Filter) -> String {
        func select(_ name: String, _ label: String, _ values: [String], _ current: String?) -> String {
            var html = "<label for=\"f-\(name)\">\(label)</label><select id=\"f-\(name)\" name=\"\(name)\">"
            html += "<option value=\"\"\(current == nil ? " selected" : "")>any</option>"
            for value in values { html += "<option\(value == current ? " selected" : "")>\(value)</option>" }
            return html + "</select>"
        }
        return "<form class=\"inline\" method=\"get\" action=\"/tools\">"
            + "<input type=\"hidden\" name=\"window\" value=\"\(window.rawValue)\">"
            + select("severity", "Severity", Severity.allCases.map(\.rawValue), filter.severity?.rawValue)
            + select(
                "category",
                "Category",
                ToolObservation.Category.allCases.map(\.rawValue),
                filter.category?.rawValue
            )
            + "<button type=\"submit\">Filter</button></form>"
    }
}
