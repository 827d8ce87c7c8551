import Vitals
package import VitalsRules

/// `GET /`: the fleet at a glance over the chosen window, with live numbers.
package enum OverviewPage {
    /// Rows of the top-operations table.
    static let topCount = 8

    /// The page of `data`, with the fleet and contracts section of `report` (the report of the same window) when given.
    package static func render(_ data: OverviewData, report: PerformanceReport? = nil) -> String {
        let live = Dictionary(data.liveValues.map { ($0.key, $0.text) }, uniquingKeysWith: { first, _ in first })
        var body = "<p class=\"muted\">All events, \(data.window.title). "
        body += "<a href=\"/snapshot?window=\(data.window.rawValue)\" download>Download a snapshot</a> "
        body += "(one HTML file, readable offline).</p>"
        body += "<section aria-labelledby=\"h-now\"><h2 id=\"h-now\">Throughput, errors and latency</h2>"
        body += "<div class=\"cards\">"
        body += DashboardLayout.card("Events per second", live["events_per_s"] ?? "–", live: "events_per_s")
        body += DashboardLayout.card("Events", live["count"] ?? "–", live: "count")
        body += DashboardLayout.card("Errors", live["errors"] ?? "–", live: "errors")
        body += DashboardLayout.card("Error rate", live["error_rate"] ?? "–", live: "error_rate")
        body += DashboardLayout.card("p50 latency", live["p50"] ?? "–", live: "p50")
        body += DashboardLayout.card("p95 latency", live["p95"] ?? "–", live: "p95")
        body += DashboardLayout.card("p99 latency", live["p99"] ?? "–", live: "p99")
        if data.tokensPerHour != nil {
            body += DashboardLayout.card("Tokens per hour", live["tokens_per_h"] ?? "–", live: "tokens_per_h")
        }
        if data.costPerHour != nil {
            body += DashboardLayout.card("Cost per hour", live["cost_per_h"] ?? "–", live: "cost_per_h")
        }
        if let firing = data.firingAlerts {
            body += DashboardLayout.card(
                "Alerts firing",
                String(firing),
                live: "alerts_firing",
                note: "\(data.pendingAlerts ?? 0) pending"
            )
        } else {
            body += DashboardLayout.card("Alerts", "off", note: "alerting is not configured")
        }
        body += "</div></section>"
        if let report { body += FleetSection.render(report, window: data.window) }
        body += topOperations(data)
        return DashboardLayout.page(
            title: "Overview",
            section: .overview,
            window: data.window,
            path: "/",
            body: body
        )
    }

    private static func topOperations(_ data: OverviewData) -> String {
        var html = "<section aria-labelledby=\"h-top\"><h2 id=\"h-top\">Top operations</h2>"
        guard !data.operations.isEmpty else {
            return html + "<p>No events in the \(data.window.title). Send some to <code>POST /v1/events</code>.</p>"
                + "</section>"
        }
        html += """
            <table><caption class="muted">Busiest first; \
            <a href="/operations?window=\(data.window.rawValue)">all \(data.operations.count) operations</a></caption>\
            <thead><tr><th scope="col">Operation</th><th scope="col">Events</th><th scope="col">Rate</th>\
            <th scope="col">Errors</th><th scope="col">p50</th><th scope="col">p95</th><th scope="col">p99</th>\
            </tr></thead><tbody>
            """
        for operation in data.operations.prefix(topCount) {
            html += OperationsPage.row(operation, window: data.window, sparkline: false)
        }
        return html + "</tbody></table></section>"
    }
}
