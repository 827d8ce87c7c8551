import Vitals
import VitalsRules

/// `GET /agents`: every agent of the window with its health score and parts, band, events, error rate, p95 and
/// recent failures; searchable, filtered by domain and band, sorted by a column.
package enum AgentsPage {
    /// The most rows drawn; a narrower filter shows the rest.
    static let rowLimit = 500

    /// The page of `agents` (every agent of the window) under `filter`.
    package static func render(_ agents: [AgentSummary], window: DashboardWindow, filter: AgentsFilter) -> String {
        let shown = filter.apply(agents)
        var body = "<p class=\"muted\">Agents with events or gauges labelled <code>agent_id</code>, \(window.title). "
        body += "Health is the report's score out of 100"
        if let first = agents.first {
            body += ", its parts out of \(Markup.escape(HealthParts.maxima(first.report.health.components)))"
        }
        body += "; the failures column counts the last "
        body += "\(AgentQueries.recentSeconds / 60) minutes.</p>"
        body += form(agents, window: window, filter: filter)
        body += "<p role=\"status\" data-figure=\"agent-count\">\(shown.count) of \(agents.count) agents"
        body += shown.count > rowLimit ? "; the first \(rowLimit) are listed, narrow the search for the rest." : "."
        body += "</p>"
        if !shown.isEmpty { body += table(Array(shown.prefix(rowLimit)), window: window, filter: filter) }
        return DashboardLayout.page(
            title: "Agents",
            section: .agents,
            window: window,
            path: "/agents",
            query: filter.parameters + (filter.sort == .health ? [] : ["sort=\(filter.sort.rawValue)"]),
            body: body
        )
    }

    private static func form(_ agents: [AgentSummary], window: DashboardWindow, filter: AgentsFilter) -> String {
        var html = """
            <form class="filters" method="get" action="/agents">\
            <input type="hidden" name="window" value="\(window.rawValue)">\
            <input type="hidden" name="sort" value="\(filter.sort.rawValue)">\
            <label>Search <input type="search" name="q" maxlength="\(AgentsFilter.maximumSearchBytes)" \
            placeholder="agent id or name" value="\(Markup.escape(filter.search ?? ""))"></label>\
            <label>Domain <select name="domain"><option value="">any</option>
            """
        var domains = Set(agents.compactMap(\.report.domain))
        if let domain = filter.domain { domains.insert(domain) }
        for domain in domains.sorted() {
            let selected = domain == filter.domain ? " selected" : ""
            html += "<option\(selected)>\(Markup.escape(domain))</option>"
        }
        html += "</select></label><label>Band <select name=\"band\"><option value=\"\">any</option>"
        for band in AgentBand.allCases {
            let count = agents.filter { $0.band == band }.count
            let selected = band == filter.band ? " selected" : ""
            html += "<option value=\"\(band.rawValue)\"\(selected)>\(band.rawValue) (\(count))</option>"
        }
        return html + "</select></label><button type=\"submit\">Filter</button></form>"
    }

    private static func table(_ agents: [AgentSummary], window: DashboardWindow, filter: AgentsFilter) -> String {
        let headings: [(AgentsFilter.Sort?, String)] = [
            (.id, "Agent"), (nil, "Domain"), (.health, "Health"), (.band, "Band"), (nil, "Status"),
            (.events, "Events"), (.errorRate, "Error rate"), (.p95, "p95"), (.failures, "Failures (15 min)"),
        ]
        var html = "<table class=\"agents\"><thead><tr>"
        for (column, title) in headings {
            let align =
                title == "Domain" || title == "Health" || title == "Band" || title == "Status" ? " class=\"text\"" : ""
            guard let column else {
                html += "<th scope=\"col\"\(align)>\(title)</th>"
                continue
            }
            let current = column == filter.sort
            let order = column == .id ? "ascending" : "descending"
            let mark = column == .id ? " ▲" : column == .health ? " ▲ worst first" : " ▼"
            let query = (["window=\(window.rawValue)"] + filter.parameters + ["sort=\(column.rawValue)"])
                .joined(separator: "&amp;")
            html += """
                <th scope="col"\(align)\(current ? " aria-sort=\"\(column == .health ? "ascending" : order)\"" : "")>\
                <a href="/agents?\(query)">\(title)\(current ? mark : "")</a></th>
                """
        }
        html += "</tr></thead><tbody>"
        for agent in agents { html += row(agent, window: window) }
        return html + "</tbody></table>"
    }

    /// One agent's row; the id links to its page.
    static func row(_ agent: AgentSummary, window: DashboardWindow) -> String {
        let report = agent.report
        let link = "/agents/\(HTML.urlComponent(agent.id))?window=\(window.rawValue)"
        let name = report.name.map { "<div class=\"parts\">\(Markup.escape($0))</div>" } ?? ""
        let workload = report.workload.map { " <span class=\"muted\">\(Format.percent($0))</span>" } ?? ""
        let errors =
            report.failures == 0
            ? "<span class=\"status-ok\">0 %</span>"
            : "<span class=\"status-bad\">\(Format.percent(report.errorRate))</span>"
        let failures =
            agent.recentFailures == 0
            ? "0" : "<span class=\"status-bad\">✗ \(Format.count(agent.recentFailures))</span>"
        return """
            <tr data-agent="\(Markup.escape(agent.id))"><td><a href="\(link)">\(Markup.escape(agent.id))</a>\(name)</td>\
            <td class="text">\(Markup.escape(report.domain ?? "–"))</td>\
            <td class="text">\(HealthParts.scoreHTML(report.health.score))\
            <div class="parts">\(Markup.escape(HealthParts.compact(report.health.components)))</div></td>\
            <td class="text band">\(agent.band.html)\(workload)</td>\
            <td class="text">\(Markup.escape(report.status.rawValue))</td>\
            <td>\(Format.count(agent.statistics.count))</td><td>\(errors)</td>\
            <td>\(Format.milliseconds(agent.statistics.quantile(0.95)))</td><td>\(failures)</td></tr>
            """
    }
}
