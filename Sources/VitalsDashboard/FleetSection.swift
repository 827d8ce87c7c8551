import Foundation
import Vitals
package import VitalsRules

/// The overview's fleet and contracts section, drawn from the same `PerformanceReport` that `/v1/report` answers for
/// the window: health score with its parts, the contracts verdict, pipeline health, agents by workload band, the top
/// bottlenecks and the memory trend. Every status carries a word and a sign, never colour alone.
package enum FleetSection {
    /// Bottlenecks listed on the overview.
    static let bottleneckCount = 5

    /// The section's HTML for `report` (the report of the overview's window).
    package static func render(_ report: PerformanceReport, window: DashboardWindow) -> String {
        var html = "<section aria-labelledby=\"h-fleet\"><h2 id=\"h-fleet\">Fleet and contracts</h2>"
        html += "<div class=\"cards\">" + health(report) + verdict(report.check) + pipeline(report) + memory(report)
        html += "</div>" + bands(report, window: window) + bottlenecks(report.bottlenecks) + "</section>"
        return html
    }

    /// A card whose value tests and people can find by `key` (`data-figure`).
    ///
    /// A `word` value (a verdict, a light, a slope) is set smaller than a count, so that it stays on one line.
    static func card(
        _ label: String,
        _ valueHTML: String,
        key: String,
        noteHTML: String? = nil,
        word: Bool = false
    ) -> String {
        """
        <div class="card"><div class="label">\(Markup.escape(label))</div>\
        <div class="value\(word ? " word" : "")" data-figure="\(key)">\(valueHTML)</div>\
        \(noteHTML.map { "<div class=\"muted\">\($0)</div>" } ?? "")</div>
        """
    }

    /// The mean health score over agents, and the mean points of each part out of its maximum.
    static func health(_ report: PerformanceReport) -> String {
        guard let average = report.averageHealth else {
            return card("Health score", "–", key: "health", noteHTML: "no agent (events or gauges with agent_id)")
        }
        let parts = HealthParts.mean(report.agents.map(\.health))
        let note = "mean of \(report.agents.count) agent\(report.agents.count == 1 ? "" : "s")"
        return card(
            "Health score",
            HealthParts.scoreHTML(average),
            key: "health",
            noteHTML: Markup.escape(note) + "<div class=\"parts\">\(Markup.escape(HealthParts.text(parts)))</div>"
        )
    }

    /// `✓ production ready`, `✗ blocked by N violations` or `– no data`, as `CheckReport.verdict` words it.
    static func verdict(_ check: CheckReport) -> String {
        let value: String
        let note: String
        if !check.hasData {
            value = "<span class=\"muted\">– no data</span>"
            note = "no rule matched any event or gauge sample"
        } else if check.blockingViolations.isEmpty {
            value = "<span class=\"status-ok\">✓ production ready</span>"
            note = "\(check.violations.count) non-blocking violation\(check.violations.count == 1 ? "" : "s")"
        } else {
            let count = check.blockingViolations.count
            value = "<span class=\"status-bad\">✗ blocked by \(count)</span>"
            note = "blocking: " + Set(check.blockingViolations.map(\.rule.name)).sorted().joined(separator: ", ")
        }
        return card("Contracts", value, key: "verdict", noteHTML: Markup.escape(note), word: true)
    }

    /// The pipeline light as a word with a sign, and the compliance.
    static func pipeline(_ report: PerformanceReport) -> String {
        let light = report.pipelineHealth
        let value: String
        switch light.status {
        case .green: value = "<span class=\"status-ok\">● GREEN</span>"
        case .yellow: value = "<span class=\"status-warn\">▲ YELLOW</span>"
        case .red: value = "<span class=\"status-bad\">■ RED</span>"
        }
        return card(
            "Pipeline health",
            value,
            key: "pipeline",
            noteHTML: "\(Format.percent(light.compliance)) of evaluated rules pass",
            word: true
        )
    }

    /// The memory trend of `memory_mb`: the slope and whether a leak is suspected.
    static func memory(_ report: PerformanceReport) -> String {
        guard let trend = report.memory else {
            return card("Memory trend", "–", key: "memory", noteHTML: "fewer than 3 <code>memory_mb</code> samples")
        }
        let slope = String(format: "%+.4f MB/s", trend.slopeMegabytesPerSecond)
        let verdict =
            trend.leakSuspected
            ? "<span class=\"status-bad\">⚠ leak suspected</span>"
            : "<span class=\"status-ok\">✓ no leak suspected</span>"
        let note =
            "\(verdict); peak \(String(format: "%.1f", trend.peakMegabytes)) MB, "
            + "p = \(String(format: "%.3g", trend.pValue)), \(trend.sampleCount) points"
        return card("Memory trend", Markup.escape(slope), key: "memory", noteHTML: note, word: true)
    }

    /// The agents per workload band (from each agent's latest `workload_pct`), and per overall status.
    static func bands(_ report: PerformanceReport, window: DashboardWindow) -> String {
        var html = "<h3>Agents by workload band</h3>"
        guard !report.agents.isEmpty else {
            return html + "<p class=\"muted\">No agent in the \(window.title): events or gauges need "
                + "<code>agent_id</code>.</p>"
        }
        html += "<div class=\"cards\">"
        for band in AgentBand.allCases {
            let count = report.agents.filter { AgentBand($0) == band }.count
            let link = "/agents?window=\(window.rawValue)&amp;band=\(band.rawValue)"
            html += card(
                band.title,
                "<a href=\"\(link)\">\(count)</a>",
                key: "band-\(band.rawValue)",
                noteHTML: "\(band.sign) \(Markup.escape(band.range))"
            )
        }
        html += "</div><p class=\"muted\" data-figure=\"statuses\">By status: "
        html += report.agentsByStatus.map { "\($0.count) \($0.status.rawValue)" }.joined(separator: " · ")
        return html + "</p>"
    }

    /// The most serious bottlenecks with their recommendation.
    static func bottlenecks(_ items: [Bottleneck]) -> String {
        var html = "<h3 id=\"h-bottlenecks\">Top bottlenecks</h3>"
        guard !items.isEmpty else {
            return html + "<p class=\"muted\">✓ None: no violation, no dominant operation.</p>"
        }
        html += """
            <table aria-labelledby="h-bottlenecks"><thead><tr><th scope="col">Subject</th>\
            <th scope="col" class="text">Severity</th><th scope="col" class="text">Issue</th>\
            <th scope="col" class="text">Recommendation</th></tr></thead><tbody>
            """
        for item in items.prefix(bottleneckCount) {
            let severity: String
            switch item.severity {
            case .critical?: severity = "<span class=\"status-bad\">‼ critical</span>"
            case .high?: severity = "<span class=\"status-bad\">! high</span>"
            case let other?: severity = "<span class=\"status-warn\">! \(other.rawValue)</span>"
            case nil: severity = "<span class=\"muted\">• share of time</span>"
            }
            html += """
                <tr data-bottleneck><td>\(Markup.escape(item.subject))</td><td class="text">\(severity)</td>\
                <td class="text">\(Markup.escape(item.issue))</td>\
                <td class="text">\(Markup.escape(item.recommendation))</td></tr>
                """
        }
        return html + "</tbody></table>"
    }
}
