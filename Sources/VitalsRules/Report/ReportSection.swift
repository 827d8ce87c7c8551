import Foundation
import Vitals

/// One titled part of a report, format-neutral: text lines, an optional table and bullets. The text,
/// Markdown and HTML renderers all draw the same sections.
struct ReportSection: Sendable {
    var id: String
    var title: String
    var lines: [String] = []
    var header: [String] = []
    var rows: [[String]] = []
    var bullets: [String] = []
}

extension PerformanceReport {
    /// The report's sections in reading order; sections without content are left out.
    var sections: [ReportSection] {
        var sections: [ReportSection] = [summarySection]
        if !agents.isEmpty {
            sections.append(
                ReportSection(
                    id: "performers",
                    title: "Top performers",
                    header: ["agent", "health", "status", "tasks", "error rate", "avg duration", "workload"],
                    rows: topPerformers.map { agent in
                        [
                            agent.displayName, NumberText.format(agent.health.score, decimals: 1),
                            agent.status.rawValue,
                            String(agent.tasks), NumberText.format(agent.errorRate * 100, decimals: 1) + "%",
                            agent.averageDurationMilliseconds.map { NumberText.duration(milliseconds: $0) } ?? "-",
                            agent.workload.map { NumberText.format($0 * 100, decimals: 1) + "%" } ?? "-",
                        ]
                    }
                )
            )
        }
        sections.append(
            ReportSection(
                id: "bottlenecks",
                title: "Bottlenecks",
                lines: bottlenecks.isEmpty ? ["No bottlenecks."] : [],
                header: bottlenecks.isEmpty
                    ? [] : ["#", "severity", "where", "issue", "share of time", "recommendation"],
                rows: bottlenecks.enumerated().map { index, item in
                    [
                        String(index + 1), item.severity?.rawValue ?? "info", item.subject, item.issue,
                        item.shareOfTime.map { NumberText.format($0 * 100, decimals: 1) + "%" } ?? "-",
                        item.recommendation,
                    ]
                }
            )
        )
        if !plan.isEmpty {
            sections.append(
                ReportSection(
                    id: "plan",
                    title: "Optimization plan",
                    header: ["step", "operation", "estimated gain", "gain in % of all time", "action"],
                    rows: plan.map { step in
                        [
                            String(step.rank), step.subject,
                            NumberText.duration(milliseconds: step.estimatedGainMilliseconds),
                            NumberText.format(step.shareOfTotal * 100, decimals: 1) + "%", step.action,
                        ]
                    }
                )
            )
        }
        sections.append(complianceSection)
        sections.append(operationsSection)
        if let comparison {
            sections.append(
                ReportSection(
                    id: "regressions",
                    title: "Regressions against the baseline",
                    lines: ["Verdict: \(comparison.verdict)."],
                    header: ["operation", "median", "p95", "ratio", "p-value", "verdict"],
                    rows: comparison.operations.map { item in
                        [
                            item.name,
                            "\(ComparisonReport.duration(item.baseline?.median)) → \(ComparisonReport.duration(item.current?.median))",
                            "\(ComparisonReport.duration(item.baseline?.p95)) → \(ComparisonReport.duration(item.current?.p95))",
                            item.ratio.map { NumberText.format($0, decimals: 3) + "x" } ?? "-",
                            item.test.map { ComparisonReport.pValue($0.pValue) } ?? "-", item.verdict.rawValue,
                        ]
                    }
                )
            )
        }
        sections.append(memorySection)
        sections.append(ReportSection(id: "recommendations", title: "Recommendations", bullets: recommendations))
        return sections
    }

    private var summarySection: ReportSection {
        var lines: [String] = []
        if let startTime, let endTime {
            lines.append("Window: \(Self.isoText(startTime)) to \(Self.isoText(endTime)).")
        }
        lines.append(
            "Events: \(check.eventCount); gauge samples: \(check.sampleCount); operations: \(operations.count)."
        )
        if !agents.isEmpty {
            let byStatus = agentsByStatus.map { "\($0.count) \($0.status.rawValue)" }.joined(separator: ", ")
            lines.append("Agents: \(agents.count) (\(byStatus)).")
            if let averageHealth {
                lines.append("Average health score: \(NumberText.format(averageHealth, decimals: 1)) / 100.")
            }
        }
        let health = pipelineHealth
        lines.append(
            "Pipeline health: \(health.status.rawValue) (\(NumberText.format(health.compliance * 100, decimals: 1))% of "
                + "evaluated rules passed)."
        )
        lines.append("Verdict: \(check.verdict).")
        return ReportSection(id: "summary", title: "Summary", lines: lines)
    }

    private var complianceSection: ReportSection {
        let evaluated = check.results.filter { $0.status != .noData || $0.rule.requireData }
        let noData = check.noDataRules
        return ReportSection(
            id: "compliance",
            title: "Contract compliance",
            lines: [
                "\(check.countsLine).", "Verdict: \(check.verdict).",
            ] + (noData.isEmpty ? [] : ["No data for: \(noData.joined(separator: ", "))."]),
            header: evaluated.isEmpty ? [] : ["rule", "group", "value", "thresholds", "status", "blocking"],
            rows: evaluated.map { result in
                [
                    result.rule.name, result.groupText, "\(result.rule.metric) \(result.valueText)",
                    result.thresholdsText,
                    result.status == .violated ? "VIOLATED \(result.severity?.rawValue ?? "")" : result.status.rawValue,
                    result.rule.blocking ? "yes" : "no",
                ]
            }
        )
    }

    private var operationsSection: ReportSection {
        let total = operations.values.map(\.totalMilliseconds).reduce(0, +)
        return ReportSection(
            id: "operations",
            title: "Operations",
            lines: operations.isEmpty ? ["No events."] : [],
            header: operations.isEmpty ? [] : ["operation", "count", "errors", "p50", "p95", "p99", "total", "share"],
            rows: operationsByTime.map { key, value in
                [
                    key.name, String(value.count), String(value.errors),
                    NumberText.duration(milliseconds: value.durations.quantile(0.5) ?? 0),
                    NumberText.duration(milliseconds: value.durations.quantile(0.95) ?? 0),
                    NumberText.duration(milliseconds: value.durations.quantile(0.99) ?? 0),
                    NumberText.duration(milliseconds: value.totalMilliseconds),
                    total > 0 ? NumberText.format(value.totalMilliseconds / total * 100, decimals: 1) + "%" : "-",
                ]
            }
        )
    }

    private var memorySection: ReportSection {
        guard let memory else {
            return ReportSection(
                id: "memory",
                title: "Memory trend",
                lines: ["Not enough memory samples (gauge or attribute memory_mb with timestamps; 3 needed)."]
            )
        }
        return ReportSection(
            id: "memory",
            title: "Memory trend",
            lines: [
                "Samples: \(memory.sampleCount) over \(NumberText.duration(milliseconds: memory.spanSeconds * 1000)); "
                    + "first \(NumberText.format(memory.firstMegabytes, decimals: 1)) MB, last "
                    + "\(NumberText.format(memory.lastMegabytes, decimals: 1)) MB, peak "
                    + "\(NumberText.format(memory.peakMegabytes, decimals: 1)) MB.",
                "Growth: \(NumberText.format(memory.slopeMegabytesPerSecond, decimals: 5)) MB/s (Theil–Sen); "
                    + "Mann–Kendall p = \(ComparisonReport.pValue(memory.pValue)).",
                "Leak suspected: \(memory.leakSuspected ? "yes" : "no"). Efficiency score: "
                    + "\(NumberText.format(memory.efficiencyScore * 100, decimals: 1))%.",
            ]
        )
    }

    /// `2025-06-15T14:13:20Z` (to the second; the report is read by people).
    static func isoText(_ time: Timestamp) -> String {
        Date(timeIntervalSince1970: Double(time.nanosecondsSinceEpoch / 1_000_000_000)).ISO8601Format()
    }
}
