import Foundation
package import Vitals
package import VitalsRules
package import VitalsStore

/// `GET /agents/ID`: one agent's health and its parts, band and gauges, its operations, charts of its events over
/// the window (quantiles, rate, errors), and its recent failed raw events.
package struct AgentPage: Sendable {
    package var id: String
    package var window: DashboardWindow
    package var range: TimeRange
    /// The agent in the report of the window; `nil` when it has no data in the window.
    package var report: AgentReport?
    /// Its events per name, busiest first.
    package var operations: [OperationSummary]
    /// Every event of the agent per step of the window (names merged), `nil` where a step has no data.
    package var steps: [EventStatistics?]
    /// Its latest failed events.
    package var failed: [StoredEvent]

    /// Failed events listed.
    static let eventLimit = 20
    /// Names whose time series are merged into the charts at most (the busiest).
    static let chartedNames = 20

    /// Reads the page's data: `report` is the window's report (the server's `StoreAnalysis.report`), the rest comes
    /// through the store's query API.
    ///
    /// - Throws: ``DashboardError`` for an id longer than a label value may be; the store's errors as they are.
    package static func load(
        _ store: any MetricStore,
        id: String,
        window: DashboardWindow,
        report: PerformanceReport,
        range: TimeRange
    ) async throws -> AgentPage {
        try validate(id)
        let operations = try await AgentQueries.operations(store, agent: id, range: range)
        let matchers = [LabelMatcher.equal(WireKey.agentID, id)]
        var merged = [EventStatistics?](repeating: nil, count: 0)
        for operation in operations.prefix(chartedNames) {
            let series = try await store.eventTimeSeries(
                StatsQuery(name: operation.name, range: range, matchers: matchers),
                step: window.step
            )
            let slots = DashboardQueries.steps(series.first, range: range, step: window.step)
            if merged.isEmpty {
                merged = slots
                continue
            }
            for (index, slot) in slots.enumerated() where index < merged.count {
                guard let slot else { continue }
                if merged[index] == nil { merged[index] = slot } else { merged[index]!.merge(slot) }
            }
        }
        if merged.isEmpty { merged = DashboardQueries.steps(nil, range: range, step: window.step) }
        let failed = try await store.events(
            EventQuery(range: range, matchers: matchers, failedOnly: true, order: .newestFirst, limit: eventLimit)
        )
        return AgentPage(
            id: id,
            window: window,
            range: range,
            report: report.agents.first { $0.id == id },
            operations: operations,
            steps: merged,
            failed: failed
        )
    }

    /// Refuses an id no store keeps: empty, or longer than a label value may be.
    ///
    /// - Throws: ``DashboardError`` saying what is expected.
    package static func validate(_ id: String) throws(DashboardError) {
        if id.isEmpty || id.utf8.count > IngestLimits.maximumLabelValueBytes {
            throw DashboardError(
                "the agent id is \(id.utf8.count) bytes long; expected 1 to \(IngestLimits.maximumLabelValueBytes)"
            )
        }
    }

    /// The page's HTML.
    package func render() -> String {
        let path = "/agents/\(HTML.urlComponent(id))"
        var body = "<p><a href=\"/agents?window=\(window.rawValue)\">All agents</a></p>"
        guard let report else {
            body += "<p>No events or gauges of this agent in the \(window.title). Try a longer window.</p>"
            return DashboardLayout.page(title: id, section: .agents, window: window, path: path, body: body)
        }
        body += cards(report)
        body +=
            "<h2>Over time</h2><p class=\"muted\">Every operation of the agent, in steps of \(window.stepTitle).</p>"
        body += "<div class=\"charts\">" + charts() + "</div>"
        body += "<h2 id=\"h-operations\">Operations</h2>"
        if operations.isEmpty {
            body += "<p class=\"muted\">No events in this window (only gauges).</p>"
        } else {
            body += """
                <table aria-labelledby="h-operations"><thead><tr><th scope="col">Operation</th>\
                <th scope="col">Events</th><th scope="col">Rate</th><th scope="col">Errors</th><th scope="col">p50</th>\
                <th scope="col">p95</th><th scope="col">p99</th></tr></thead><tbody>
                """
            for operation in operations { body += OperationsPage.row(operation, window: window, sparkline: false) }
            body += "</tbody></table>"
        }
        body += EventTable.render("Recent failed events", failed, names: true)
        return DashboardLayout.page(title: id, section: .agents, window: window, path: path, body: body)
    }

    private func cards(_ report: AgentReport) -> String {
        let band = AgentBand(report)
        var html = "<div class=\"cards\">"
        html += FleetSection.card(
            "Health score",
            HealthParts.scoreHTML(report.health.score),
            key: "health",
            noteHTML: "<div class=\"parts\">\(Markup.escape(HealthParts.text(report.health.components)))</div>"
        )
        html += FleetSection.card(
            "Workload band",
            band.html,
            key: "band",
            noteHTML: Markup.escape(report.workload.map { "workload \(Format.percent($0))" } ?? band.range),
            word: true
        )
        html += FleetSection.card(
            "Status",
            Markup.escape(report.status.rawValue),
            key: "status",
            noteHTML: Markup.escape(report.workloadStatus.map { "action: \($0.recommendedAction)" } ?? ""),
            word: true
        )
        html += FleetSection.card("Events", Format.count(report.tasks), key: "events")
        html += FleetSection.card(
            "Failures",
            Format.count(report.failures),
            key: "failures",
            noteHTML: "\(Format.percent(report.errorRate)) of events"
        )
        if let domain = report.domain {
            html += FleetSection.card("Domain", Markup.escape(domain), key: "domain", word: true)
        }
        if let depth = report.queueDepth {
            html += FleetSection.card("Queue depth", Format.quantity(depth), key: "queue")
        }
        if let hit = report.cacheHitRate {
            html += FleetSection.card("Cache hit rate", Format.percent(hit), key: "cache")
        }
        return html + "</div>"
    }

    private func charts() -> String {
        let start = String(range.from.rfc3339.prefix(16).replacingOccurrences(of: "T", with: " "))
        let end = range.to.rfc3339.prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC"
        var html = SVGChart.chart(
            title: "Latency quantiles",
            lines: [("p50", 0.5), ("p95", 0.95), ("p99", 0.99)].map { label, q in
                SVGChart.Line(name: label, values: steps.map { $0?.quantile(q) })
            },
            format: Format.milliseconds,
            start: start,
            end: end
        )
        html += SVGChart.chart(
            title: "Events per second",
            lines: [
                SVGChart.Line(name: "rate", values: DashboardQueries.perSecond(steps, range: range, step: window.step))
            ],
            format: Format.rate,
            start: start,
            end: end
        )
        html += SVGChart.chart(
            title: "Errors per step",
            lines: [SVGChart.Line(name: "errors", values: steps.map { Double($0?.errors ?? 0) })],
            format: { Format.quantity($0) },
            start: start,
            end: end
        )
        return html
    }
}
