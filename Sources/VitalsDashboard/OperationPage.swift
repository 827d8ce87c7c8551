import Foundation
package import Vitals
package import VitalsStore

/// `GET /operations/NAME`: one event name's quantiles, rate and errors per step, a group-by table, and the
/// slowest and failed raw events.
package struct OperationPage: Sendable {
    package var name: String
    package var window: DashboardWindow
    package var range: TimeRange
    /// The whole window, as `/v1/stats?event=NAME` answers it.
    package var statistics: EventStatistics
    /// Per step of the window, `nil` where a step has no data.
    package var steps: [EventStatistics?]
    /// The label grouped by, and its groups (busiest first).
    package var groupBy: String?
    package var groups: [EventStatsGroup]
    /// The label keys offered in the group-by selector.
    package var groupKeys: [String]
    package var slowest: [StoredEvent]
    package var failed: [StoredEvent]

    /// Raw events listed in each table.
    static let eventLimit = 10

    /// Reads the page's data through the store's query API.
    ///
    /// - Throws: ``DashboardError`` for a name longer than a store keeps or a group-by key not offered; the
    ///   store's errors as they are.
    package static func load(
        _ store: any MetricStore,
        name: String,
        window: DashboardWindow,
        groupBy: String?,
        groupKeys: [String],
        now: Timestamp = .now()
    ) async throws -> OperationPage {
        if name.isEmpty || name.utf8.count > IngestLimits.maximumNameBytes {
            throw DashboardError(
                "the operation name is \(name.utf8.count) bytes long; expected 1 to \(IngestLimits.maximumNameBytes)"
            )
        }
        if let groupBy, !groupKeys.contains(groupBy) {
            throw DashboardError(
                "by=\(groupBy.prefix(64)): expected one of the label keys \(groupKeys.joined(separator: ", "))"
            )
        }
        let range = window.range(endingAt: now)
        let query = StatsQuery(name: name, range: range)
        let statistics = try await store.eventStats(query).first?.statistics ?? EventStatistics()
        let series = try await store.eventTimeSeries(query, step: window.step)
        var groups: [EventStatsGroup] = []
        if let groupBy {
            groups = try await store.eventStats(StatsQuery(name: name, range: range, groupBy: [groupBy]))
                .sorted { $0.statistics.count > $1.statistics.count }
        }
        let slowest = try await store.events(
            EventQuery(name: name, range: range, order: .slowestFirst, limit: eventLimit)
        )
        let failed = try await store.events(
            EventQuery(name: name, range: range, failedOnly: true, order: .newestFirst, limit: eventLimit)
        )
        return OperationPage(
            name: name,
            window: window,
            range: range,
            statistics: statistics,
            steps: DashboardQueries.steps(series.first, range: range, step: window.step),
            groupBy: groupBy,
            groups: groups,
            groupKeys: groupKeys,
            slowest: slowest,
            failed: failed
        )
    }

    /// The page's HTML.
    package func render() -> String {
        let path = "/operations/\(HTML.urlComponent(name))"
        var body = "<p class=\"muted\">\(window.title.prefix(1).uppercased() + window.title.dropFirst()), "
        body += "in steps of \(window.stepTitle).</p><div class=\"cards\">"
        body += DashboardLayout.card("Events", Format.count(statistics.count))
        body += DashboardLayout.card("Rate", Format.rate(Double(statistics.count) / max(range.seconds, 1)))
        body += DashboardLayout.card(
            "Errors",
            Format.count(statistics.errors),
            note: "\(Format.percent(statistics.errorRate)) of events"
        )
        body += DashboardLayout.card("p50 latency", Format.milliseconds(statistics.quantile(0.5)))
        body += DashboardLayout.card("p95 latency", Format.milliseconds(statistics.quantile(0.95)))
        body += DashboardLayout.card("p99 latency", Format.milliseconds(statistics.quantile(0.99)))
        body += "</div><h2>Over time</h2><div class=\"charts\">"
        let start = range.from.rfc3339.prefix(16).replacingOccurrences(of: "T", with: " ")
        let end = range.to.rfc3339.prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC"
        body += SVGChart.chart(
            title: "Latency quantiles",
            lines: [("p50", 0.5), ("p95", 0.95), ("p99", 0.99)].map { label, q in
                SVGChart.Line(name: label, values: steps.map { $0?.quantile(q) })
            },
            format: Format.milliseconds,
            start: String(start),
            end: end
        )
        body += SVGChart.chart(
            title: "Events per second",
            lines: [
                SVGChart.Line(name: "rate", values: DashboardQueries.perSecond(steps, range: range, step: window.step))
            ],
            format: Format.rate,
            start: String(start),
            end: end
        )
        body += SVGChart.chart(
            title: "Errors per step",
            lines: [SVGChart.Line(name: "errors", values: steps.map { Double($0?.errors ?? 0) })],
            format: { Format.quantity($0) },
            start: String(start),
            end: end
        )
        body += "</div>" + groupSection(path: path) + EventTable.render("Slowest events", slowest)
        body += EventTable.render("Failed events", failed)
        return DashboardLayout.page(
            title: name,
            section: .operations,
            window: window,
            path: path,
            query: groupBy.map { ["by=\(HTML.urlComponent($0))"] } ?? [],
            body: body
        )
    }

    private func groupSection(path: String) -> String {
        var html = """
            <h2 id="h-groups">By label</h2><form class="inline" method="get" action="\(path)">\
            <input type="hidden" name="window" value="\(window.rawValue)"><label for="by">Group by</label>\
            <select id="by" name="by">
            """
        for key in groupKeys {
            html += "<option\(key == groupBy ? " selected" : "")>\(Markup.escape(key))</option>"
        }
        html += "</select><button type=\"submit\">Show</button></form>"
        guard let groupBy else { return html }
        html += """
            <table aria-labelledby="h-groups"><thead><tr><th scope="col">\(Markup.escape(groupBy))</th>\
            <th scope="col">Events</th><th scope="col">Errors</th><th scope="col">p50</th><th scope="col">p95</th>\
            <th scope="col">p99</th></tr></thead><tbody>
            """
        for group in groups {
            let value = group.labels[groupBy] ?? ""
            html += """
                <tr><td>\(value.isEmpty ? "<span class=\"muted\">(none)</span>" : Markup.escape(value))</td>\
                <td>\(Format.count(group.statistics.count))</td><td>\(Format.count(group.statistics.errors))</td>\
                <td>\(Format.milliseconds(group.statistics.quantile(0.5)))</td>\
                <td>\(Format.milliseconds(group.statistics.quantile(0.95)))</td>\
                <td>\(Format.milliseconds(group.statistics.quantile(0.99)))</td></tr>
                """
        }
        return html + "</tbody></table>"
    }
}
