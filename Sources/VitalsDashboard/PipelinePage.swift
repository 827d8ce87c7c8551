import Foundation
package import Vitals
package import VitalsRules

/// `GET /pipeline`: the `pipeline` pack's stage contracts and golden invariants over the window, and the pipeline
/// light (GREEN / YELLOW / RED), all read from the ``PerformanceReport`` that `/v1/report` answers for the same
/// range, so that the page and the API never disagree.
package enum PipelinePage {
    /// The pack whose results the page shows.
    static let pack = "pipeline"

    /// The page.
    ///
    /// - Parameters:
    ///   - report: The report of the window over every built-in pack (the evaluation of `/v1/report`).
    ///   - window: The window shown.
    ///   - stages: The window's `stage` events per value of their `stage` label (empty when `stage` is not a label),
    ///     for each stage's p95 beside its contract.
    ///   - stageIsLabel: Whether the store keeps `stage` as a label (the contracts can only be read then).
    package static func render(
        _ report: PerformanceReport,
        window: DashboardWindow,
        stages: [String: EventStatistics],
        stageIsLabel: Bool
    ) -> String {
        let results = report.check.results.filter { $0.rule.location.file == pack }
        let contracts = results.filter { !isInvariant($0.rule) }
        let invariants = results.filter { isInvariant($0.rule) }
        let health = report.pipelineHealth
        var body = "<p class=\"muted\">Every built-in pack over the \(window.title), as "
        body += "<a href=\"/v1/report?window=\(window.rawValue)&amp;format=html\">/v1/report</a> evaluates it.</p>"
        body += "<div class=\"cards\">"
        body += DashboardLayout.card("Pipeline health", "\(light(health.status)) \(health.status.rawValue)")
        body += DashboardLayout.card("Rules passed", Format.percent(health.compliance), note: "every built-in pack")
        body += DashboardLayout.card(
            "Verdict",
            report.check.passed ? "ready" : report.check.hasData ? "blocked" : "no data",
            note: report.check.verdict
        )
        body += DashboardLayout.card("Events evaluated", Format.count(report.check.eventCount))
        body += "</div>"
        if !stageIsLabel {
            body += """
                <p class="error" role="note">The store does not keep <code>stage</code> as a label, so the stage \
                contracts see no data: add <code>stage</code> to <code>label_keys</code> in the configuration.</p>
                """
        }
        body += "<section aria-labelledby=\"h-contracts\"><h2 id=\"h-contracts\">Stage compliance</h2>"
        body += contractTable(contracts, stages: stages)
        body += "</section><section aria-labelledby=\"h-invariants\"><h2 id=\"h-invariants\">Golden invariants</h2>"
        body += invariantTable(invariants)
        body += "</section>"
        return DashboardLayout.page(
            title: "Pipeline",
            section: .pipeline,
            window: window,
            path: "/pipeline",
            body: body
        )
    }

    /// Whether a rule of the pack is a golden invariant (its description starts with "Invariant:") rather than a
    /// performance contract.
    package static func isInvariant(_ rule: Rule) -> Bool {
        rule.description?.hasPrefix("Invariant") == true
    }

    /// The stage a contract is about: its `stage=` matcher, else the event or gauge it reads.
    static func subject(_ rule: Rule) -> String {
        rule.matchers.first { $0.key == "stage" }?.exactValue ?? rule.nameMatcher.exactValue ?? "–"
    }

    /// The verdict in words with a sign: `✓ pass`, `✗ fail (critical)`, `– no data`.
    package static func verdict(_ result: RuleResult) -> String {
        switch result.status {
        case .passed: "✓ pass"
        case .violated: "✗ fail" + (result.severity.map { " (\($0.rawValue))" } ?? "")
        case .noData: "– no data"
        }
    }

    static func verdictClass(_ result: RuleResult) -> String {
        switch result.status {
        case .passed: "status-ok"
        case .violated: "status-bad"
        case .noData: "muted"
        }
    }

    static func light(_ status: PipelineHealth.Status) -> String {
        switch status {
        case .green: "●"
        case .yellow: "▲"
        case .red: "■"
        }
    }

    /// The rule's metric and value (`max 4s`), or `no data`.
    static func actual(_ result: RuleResult) -> String {
        result.value == nil ? result.valueText : "\(result.rule.metric) \(result.valueText)"
    }

    private static func contractTable(_ results: [RuleResult], stages: [String: EventStatistics]) -> String {
        var html = """
            <table id="stage-compliance"><thead><tr><th scope="col">Contract</th><th scope="col">Stage</th>\
            <th scope="col">Target</th><th scope="col">Actual</th><th scope="col">Stage p95</th>\
            <th scope="col">Events</th><th scope="col">Verdict</th></tr></thead><tbody>
            """
        for result in results {
            let stage = subject(result.rule)
            let statistics = stages[stage]
            html += """
                <tr data-rule="\(Markup.escape(result.rule.name))"><td>\(Markup.escape(result.rule.name))\
                <div class="muted">\(Markup.escape(result.rule.description ?? ""))</div></td>\
                <td>\(Markup.escape(stage))</td><td>\(Markup.escape(result.thresholdsText))</td>\
                <td>\(Markup.escape(actual(result)))</td>\
                <td>\(Format.milliseconds(statistics?.quantile(0.95)))</td>\
                <td>\(statistics.map { Format.count($0.count) } ?? "–")</td>\
                <td class="\(verdictClass(result))">\(Markup.escape(verdict(result)))</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    private static func invariantTable(_ results: [RuleResult]) -> String {
        var html = """
            <table id="invariants"><thead><tr><th scope="col">Invariant</th><th scope="col">Broken when</th>\
            <th scope="col">Actual</th><th scope="col">Verdict</th></tr></thead><tbody>
            """
        for result in results {
            let plain = result.rule.description?.replacingOccurrences(of: "Invariant: ", with: "") ?? result.rule.name
            let text = plain.prefix(1).uppercased() + plain.dropFirst()
            html += """
                <tr data-rule="\(Markup.escape(result.rule.name))"><td>\(Markup.escape(text))\
                <div class="muted">\(Markup.escape(result.rule.name))</div></td>\
                <td>\(Markup.escape("\(result.rule.metric) \(result.thresholdsText)"))</td>\
                <td>\(Markup.escape(result.valueText))</td>\
                <td class="\(verdictClass(result))">\(Markup.escape(verdict(result)))</td></tr>
                """
        }
        return html + "</tbody></table>"
    }
}
