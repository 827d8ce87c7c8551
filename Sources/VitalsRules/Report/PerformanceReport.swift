public import Vitals

/// The analysis of a set of events: agents by status and health, top performers, bottlenecks and an
/// optimization plan, contract compliance and the production verdict, regressions against a baseline, the
/// memory trend, and recommendations. Built by `ReportBuilder`; rendered as text, Markdown, JSON or a
/// self-contained HTML page.
public struct PerformanceReport: Sendable {
    /// The heading.
    public var title: String
    /// The earliest time in the data, when timestamps were present.
    public var startTime: Timestamp?
    /// The latest time in the data, when timestamps were present.
    public var endTime: Timestamp?
    /// Statistics per operation (event name).
    public var operations: [EventSummary.GroupKey: EventStatistics]
    /// Every agent seen (events or gauges labelled `agent_id`), by id.
    public var agents: [AgentReport]
    /// Rule results and the verdict.
    public var check: CheckReport
    /// Top 20 bottlenecks.
    public var bottlenecks: [Bottleneck]
    /// The optimization plan, largest gain first.
    public var plan: [OptimizationStep]
    /// The comparison with the baseline, when one was given.
    public var comparison: ComparisonReport?
    /// The memory trend, when at least three timestamped `memory_mb` values were seen.
    public var memory: MemoryTrend?
    /// The (thinned) memory samples, for charts.
    package var memorySeries: [ThinningSeries.Point]
    /// The memory limit drawn on the memory chart, in MB.
    public var memoryLimitMegabytes: Double?
    /// Figures a caller adds above the report's own, as label and value already formatted (the dashboard's
    /// snapshot puts its overview here); the HTML renderer shows them as cards. Empty by default.
    public var highlights: [(label: String, value: String)] = []

    /// The pipeline light from the rule results.
    public var pipelineHealth: PipelineHealth { PipelineHealth(results: check.results) }

    /// Mean health score over agents, `nil` without agents.
    public var averageHealth: Double? {
        agents.isEmpty ? nil : agents.map(\.health.score).reduce(0, +) / Double(agents.count)
    }

    /// Number of agents per status, every status listed.
    public var agentsByStatus: [(status: AgentReport.Status, count: Int)] {
        AgentReport.Status.allCases.map { status in (status, agents.filter { $0.status == status }.count) }
    }

    /// The 10 healthiest agents (ties: more tasks first).
    public var topPerformers: [AgentReport] {
        Array(
            agents.sorted {
                $0.health.score != $1.health.score ? $0.health.score > $1.health.score : $0.tasks > $1.tasks
            }.prefix(10)
        )
    }

    /// Operations by total time, largest first.
    public var operationsByTime: [(key: EventSummary.GroupKey, value: EventStatistics)] {
        operations.sorted {
            $0.value.totalMilliseconds != $1.value.totalMilliseconds
                ? $0.value.totalMilliseconds > $1.value.totalMilliseconds : $0.key < $1.key
        }
    }

    /// What to do, most urgent first; "all healthy" when there is nothing to do.
    public var recommendations: [String] {
        var items: [String] = []
        let blocking = check.blockingViolations
        if !blocking.isEmpty {
            items.append(
                "Production blocked by \(blocking.count) violation\(blocking.count == 1 ? "" : "s"): "
                    + blocking.map(\.rule.name).joined(separator: ", ") + "."
            )
        }
        let failing = agents.filter { $0.status == .failing }.count
        if failing > 0 {
            items.append("\(failing) agent\(failing == 1 ? " is" : "s are") failing. Immediate action required.")
        }
        let overloaded = agents.filter { $0.status == .overloaded }.count
        if overloaded > 0 {
            let share = NumberText.format(Double(overloaded) / Double(agents.count) * 100, decimals: 0)
            items.append("\(share)% of agents are overloaded. Consider scaling.")
        }
        if let average = averageHealth, average < 70 {
            items.append(
                "Average health score is \(NumberText.format(average, decimals: 1)). System-wide optimization needed."
            )
        }
        if let comparison, !comparison.regressions.isEmpty {
            items.append("Regressed since the baseline: \(comparison.regressions.map(\.name).joined(separator: ", ")).")
        }
        if let memory, memory.leakSuspected {
            items.append(
                "Memory leak suspected: +\(NumberText.format(memory.slopeMegabytesPerSecond, decimals: 4)) MB/s "
                    + "(Mann–Kendall p = \(ComparisonReport.pValue(memory.pValue))). Check caches and per-request buffers."
            )
        }
        let serious = bottlenecks.filter { $0.severity != nil }
        if !serious.isEmpty {
            let critical = serious.filter { $0.severity == .critical }.count
            items.append(
                "\(serious.count) bottleneck\(serious.count == 1 ? "" : "s") detected"
                    + (critical > 0 ? " (\(critical) critical)" : "") + ". Prioritize critical issues."
            )
        }
        if items.isEmpty, !check.hasData {
            items.append("No rule matched any data: nothing is known about the contracts yet.")
        } else if items.isEmpty {
            items.append(agents.isEmpty ? "All contracts met." : "All agents healthy. System performing optimally.")
        }
        if let step = plan.first {
            items.append(
                "Largest optimization gain: \(step.subject) (up to "
                    + "\(NumberText.duration(milliseconds: step.estimatedGainMilliseconds)), "
                    + "\(NumberText.format(step.shareOfTotal * 100, decimals: 1))% of all time): \(step.action)"
            )
        }
        return items
    }

    /// The report in one of the output formats.
    public func render(_ format: ReportFormat) -> String {
        switch format {
        case .text: return renderText()
        case .markdown: return renderMarkdown()
        case .json: return renderJSON()
        case .html: return renderHTML()
        }
    }
}

/// An output format of `vitals report`.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// Plain text sections.
    case text
    /// Markdown sections.
    case markdown
    /// One JSON object.
    case json
    /// One self-contained HTML page.
    case html
}
