package import Vitals
package import VitalsRules
package import VitalsStore

/// One agent as the agents table shows it: the report's view of it (health, band, status, tasks, failures), its
/// events merged over every name (for the quantiles), and its failures of the last minutes.
package struct AgentSummary: Sendable {
    /// The agent in the report of the window.
    package var report: AgentReport
    /// Every event of the agent in the window, all names merged; empty for an agent known only by its gauges.
    package var statistics: EventStatistics
    /// Failed events in the last ``AgentQueries/recentSeconds`` of the window.
    package var recentFailures: UInt64

    /// The `agent_id`.
    package var id: String { report.id }
    /// The band of its latest workload.
    package var band: AgentBand { AgentBand(report) }
}

/// Reads what the agents pages show: the agents come from the report (the same `StoreAnalysis.report` as
/// `/v1/report`), their quantiles and recent failures from the store's per-series statistics.
package enum AgentQueries {
    /// What "recent" means for the failures column: the last 15 minutes of the window.
    package static let recentSeconds: Int64 = 900

    /// The agents of `report` with their event statistics over `range` and their recent failures.
    package static func summaries(
        _ store: any MetricStore,
        report: PerformanceReport,
        range: TimeRange
    ) async throws -> [AgentSummary] {
        let statistics = try await statisticsByAgent(store, range: range)
        let recentRange = TimeRange.last(.seconds(min(recentSeconds, Int64(range.seconds))), endingAt: range.to)
        let recent = try await statisticsByAgent(store, range: recentRange)
        return report.agents.map { agent in
            AgentSummary(
                report: agent,
                statistics: statistics[agent.id] ?? EventStatistics(),
                recentFailures: recent[agent.id]?.errors ?? 0
            )
        }
    }

    /// Every event in `range` merged per `agent_id` (events without one are left out).
    package static func statisticsByAgent(
        _ store: any MetricStore,
        range: TimeRange
    ) async throws -> [String: EventStatistics] {
        var byAgent: [String: EventStatistics] = [:]
        for (series, statistics) in try await store.eventStatisticsBySeries(names: nil, range: range) {
            guard let id = series.key.labels[WireKey.agentID] else { continue }
            byAgent[id, default: EventStatistics()].merge(statistics)
        }
        return byAgent
    }

    /// One agent's events in `range` per event name, busiest first.
    package static func operations(
        _ store: any MetricStore,
        agent: String,
        range: TimeRange
    ) async throws -> [OperationSummary] {
        var byName: [String: EventStatistics] = [:]
        for (series, statistics) in try await store.eventStatisticsBySeries(names: nil, range: range)
        where series.key.labels[WireKey.agentID] == agent {
            byName[series.key.name, default: EventStatistics()].merge(statistics)
        }
        return byName.map { OperationSummary(name: $0.key, statistics: $0.value, seconds: range.seconds) }
            .sorted { ($0.statistics.count, $1.name) > ($1.statistics.count, $0.name) }
    }
}
