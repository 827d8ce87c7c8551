import Vitals

/// `GET /operations`: every event name with its count, errors, quantiles and a sparkline, sorted by a column.
package enum OperationsPage {
    /// The columns one can sort by (`?sort=`), each descending but `name`.
    package enum Sort: String, Sendable, CaseIterable {
        case name, count, errors, p50, p95, p99

        /// The sort of a `sort=` value (`count` when absent).
        ///
        /// - Throws: ``DashboardError`` naming the accepted values.
        package init(parameter: String?) throws(DashboardError) {
            guard let parameter else {
                self = .count
                return
            }
            guard let sort = Sort(rawValue: parameter) else {
                throw DashboardError(
                    "sort=\(parameter.prefix(64)): expected one of "
                        + Sort.allCases.map(\.rawValue).joined(separator: ", ")
                )
            }
            self = sort
        }

        func ordered(_ operations: [OperationSummary]) -> [OperationSummary] {
            func key(_ operation: OperationSummary) -> Double {
                switch self {
                case .name: 0
                case .count: Double(operation.statistics.count)
                case .errors: Double(operation.statistics.errors)
                case .p50: operation.statistics.quantile(0.5) ?? -1
                case .p95: operation.statistics.quantile(0.95) ?? -1
                case .p99: operation.statistics.quantile(0.99) ?? -1
                }
            }
            if self == .name { return operations.sorted { $0.name < $1.name } }
            return operations.sorted { (key($0), $1.name) > (key($1), $0.name) }
        }
    }

    /// The page: `operations` as given (sparklines already loaded for the first rows), sorted by `sort`.
    package static func render(_ operations: [OperationSummary], window: DashboardWindow, sort: Sort) -> String {
        var body = "<p class=\"muted\">Every event name, \(window.title). Select a column heading to sort.</p>"
        guard !operations.isEmpty else {
            body += "<p>No events in the \(window.title).</p>"
            return DashboardLayout.page(
                title: "Operations",
                section: .operations,
                window: window,
                path: "/operations",
                body: body
            )
        }
        body += "<table><thead><tr>"
        let headings: [(Sort?, String)] = [
            (.name, "Operation"), (.count, "Events"), (nil, "Rate"), (.errors, "Errors"), (.p50, "p50"),
            (.p95, "p95"), (.p99, "p99"), (nil, "Trend"),
        ]
        for (column, title) in headings {
            guard let column else {
                body += "<th scope=\"col\">\(title)</th>"
                continue
            }
            let current = column == sort
            let order = column == .name ? "ascending" : "descending"
            body += """
                <th scope="col"\(current ? " aria-sort=\"\(order)\"" : "")>\
                <a href="/operations?window=\(window.rawValue)&amp;sort=\(column.rawValue)">\(title)\
                \(current ? (column == .name ? " ▲" : " ▼") : "")</a></th>
                """
        }
        body += "</tr></thead><tbody>"
        for operation in sort.ordered(operations) {
            body += row(operation, window: window, sparkline: true)
        }
        body += "</tbody></table>"
        return DashboardLayout.page(
            title: "Operations",
            section: .operations,
            window: window,
            path: "/operations",
            query: sort == .count ? [] : ["sort=\(sort.rawValue)"],
            body: body
        )
    }

    /// One table row: the name links to the operation's page; errors carry a word, not only a colour.
    static func row(_ operation: OperationSummary, window: DashboardWindow, sparkline: Bool) -> String {
        let statistics = operation.statistics
        let link = "/operations/\(HTML.urlComponent(operation.name))?window=\(window.rawValue)"
        let errors =
            statistics.errors == 0
            ? "<span class=\"status-ok\">0</span>"
            : "<span class=\"status-bad\">\(Format.count(statistics.errors)) (\(Format.percent(statistics.errorRate)))"
                + "</span>"
        var html = """
            <tr><td><a href="\(link)">\(Markup.escape(operation.name))</a></td>\
            <td>\(Format.count(statistics.count))</td><td>\(Format.rate(operation.ratePerSecond))</td>\
            <td>\(errors)</td><td>\(Format.milliseconds(statistics.quantile(0.5)))</td>\
            <td>\(Format.milliseconds(statistics.quantile(0.95)))</td>\
            <td>\(Format.milliseconds(statistics.quantile(0.99)))</td>
            """
        if sparkline {
            html +=
                operation.countsPerStep.isEmpty
                ? "<td class=\"muted\">–</td>"
                : "<td>\(SVGChart.sparkline(operation.countsPerStep, label: "events per step of \(operation.name)"))</td>"
        }
        return html + "</tr>"
    }
}
