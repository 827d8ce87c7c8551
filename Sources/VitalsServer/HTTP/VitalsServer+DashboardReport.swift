import Hummingbird
import Vitals
import VitalsAlerting
import VitalsDashboard
import VitalsRules
import VitalsStore

/// The dashboard pages drawn from the built-in packs' report: `/pipeline`, `/tools` and `/snapshot`. Each evaluates
/// the window once with ``builtInReport(_:)``, the evaluation `/v1/report` answers with.
extension VitalsServer {
    func pipelinePage(_ request: Request) async throws -> String {
        let parameters = try dashboardParameters(request, allowed: ["window"])
        let window = try DashboardWindow(parameter: parameters["window"])
        let range = window.range(endingAt: .now())
        let report = try await builtInReport(range)
        let stageIsLabel = configuration.store.labelKeys.contains("stage")
        var stages: [String: EventStatistics] = [:]
        if stageIsLabel {
            for group in try await store.eventStats(StatsQuery(name: "stage", range: range, groupBy: ["stage"])) {
                if let stage = group.labels["stage"] { stages[stage] = group.statistics }
            }
        }
        return PipelinePage.render(report, window: window, stages: stages, stageIsLabel: stageIsLabel)
    }

    func toolsPage(_ request: Request) async throws -> String {
        let parameters = try dashboardParameters(request, allowed: ["window", "severity", "category"])
        let window = try DashboardWindow(parameter: parameters["window"])
        let filter = try ToolObservation.Filter(severity: parameters["severity"], category: parameters["category"])
        let range = window.range(endingAt: .now())
        let report = try await builtInReport(range)
        // The active alerts by rule and group: an observation with one behind it can be acknowledged.
        var backing: [String: ToolObservation.BackingAlert] = [:]
        if let alerting {
            let now = Timestamp.now()
            for (alert, _) in try await alerting.alerts() where alert.state != .resolved {
                backing[Self.alertKey(alert.rule, alert.group)] = ToolObservation.BackingAlert(
                    fingerprint: alert.fingerprint,
                    acknowledgedBy: alert.isAcknowledged(at: now) ? alert.acknowledgement?.author : nil
                )
            }
        }
        let data = try await ToolsData.load(
            store,
            report: report,
            window: window,
            range: range,
            labelKeys: configuration.store.labelKeys,
            alerting: alerting != nil,
            alerts: { rule, group in backing[Self.alertKey(rule, group)] }
        )
        return ToolsPage.render(data, filter: filter)
    }

    /// `GET /snapshot?window=1h`: the overview's figures and the window's report as one self-contained HTML file
    /// (the renderer of `vitals report --format html`), offered as a download.
    func snapshot(_ request: Request) async -> Response {
        var name = "vitals-snapshot.html"
        var response = await page {
            let parameters = try dashboardParameters(request, allowed: ["window"])
            let window = try DashboardWindow(parameter: parameters["window"])
            let overview = try await overview(window)
            var report = try await builtInReport(overview.range)
            report.title = "Vitals snapshot, \(window.title) to \(overview.range.to.rfc3339.prefix(19))Z"
            report.highlights = Snapshot.figures(overview)
            name = Snapshot.fileName(overview.range.to)
            return report.render(.html)
        }
        if response.status == .ok { response.headers[.contentDisposition] = "attachment; filename=\"\(name)\"" }
        return response
    }

    /// The rule name and group as one key.
    static func alertKey(_ rule: String, _ group: [String: String]) -> String {
        ([rule] + group.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: "\u{0}")
    }
}
