package import Vitals
package import VitalsRules
package import VitalsStore

/// What the tools page shows: the tools' figures and the providers' timeout rates from the store's query API (the
/// calls behind `/v1/stats`), and the verdicts and observations from the window's report (the evaluation behind
/// `/v1/report`).
package struct ToolsData: Sendable {
    /// One tool: its `tool_call` events over the window.
    package struct Tool: Sendable {
        /// The `tool` label.
        package var name: String
        /// The `tier` label when it is one of 1…4.
        package var tier: ToolTier?
        /// Its calls, merged over every series of the tool.
        package var statistics: EventStatistics
        /// The `tool-tiers` results about this tool.
        package var results: [RuleResult]

        /// Timeouts over calls, 0 without calls.
        package var timeoutRate: Double {
            statistics.count == 0 ? 0 : Double(statistics.timeouts) / Double(statistics.count)
        }
    }

    /// One provider: every event carrying its `provider` label.
    package struct Provider: Sendable {
        /// The `provider` label.
        package var name: String
        /// Its events, merged over every name and series.
        package var statistics: EventStatistics

        /// Timeouts over events, 0 without events.
        package var timeoutRate: Double {
            statistics.count == 0 ? 0 : Double(statistics.timeouts) / Double(statistics.count)
        }
    }

    /// The window.
    package var window: DashboardWindow
    /// Tools, by tier then name.
    package var tools: [Tool]
    /// Providers, highest timeout rate first.
    package var providers: [Provider]
    /// Every observation of the window, most severe first (the page filters them).
    package var observations: [ToolObservation]
    /// Whether the store keeps `tier` as a label (the tier rules can only read it then).
    package var tierIsLabel: Bool
    /// Whether the server runs with alerting (otherwise no observation can be acknowledged).
    package var alerting: Bool

    /// The tools and providers of `range` from `store`, with the verdicts and observations of `report`.
    ///
    /// - Parameters:
    ///   - labelKeys: The store's label keys (`tool`, `tier` and `provider` must be among them to be read).
    ///   - alerts: The active alert of a rule name and group, when alerting has one.
    package static func load(
        _ store: any MetricStore,
        report: PerformanceReport,
        window: DashboardWindow,
        range: TimeRange,
        labelKeys: [String],
        alerting: Bool,
        alerts: (_ rule: String, _ group: [String: String]) -> ToolObservation.BackingAlert?
    ) async throws -> ToolsData {
        var tools: [String: Tool] = [:]
        var providers: [String: EventStatistics] = [:]
        for (series, statistics) in try await store.eventStatisticsBySeries(names: nil, range: range) {
            let labels = series.key.labels
            if let provider = labels[WireKey.provider] {
                providers[provider, default: EventStatistics()].merge(statistics)
            }
            guard series.key.name == "tool_call", let tool = labels[WireKey.tool] else { continue }
            var entry = tools[tool] ?? Tool(name: tool, tier: nil, statistics: EventStatistics(), results: [])
            entry.statistics.merge(statistics)
            if entry.tier == nil, let tier = labels["tier"].flatMap({ Int($0) }).flatMap(ToolTier.init) {
                entry.tier = tier
            }
            tools[tool] = entry
        }
        for result in report.check.results where result.rule.location.file == "tool-tiers" {
            guard let tool = result.group[WireKey.tool], tools[tool] != nil else { continue }
            tools[tool]?.results.append(result)
        }
        return ToolsData(
            window: window,
            tools: tools.values.sorted { ($0.tier?.number ?? 5, $0.name) < ($1.tier?.number ?? 5, $1.name) },
            providers: providers.map { Provider(name: $0.key, statistics: $0.value) }
                .sorted { ($0.timeoutRate, $1.name) > ($1.timeoutRate, $0.name) },
            observations: ToolObservation.observations(report.check.results, alerts: alerts),
            tierIsLabel: labelKeys.contains("tier"),
            alerting: alerting
        )
    }
}
