package import Vitals
package import VitalsStore

/// One event name over a window: what the operations table and the overview's top list show.
package struct OperationSummary: Sendable {
    /// The event name.
    package var name: String
    /// Merged over every series of the name.
    package var statistics: EventStatistics
    /// The window's length in seconds (for the rate).
    package var seconds: Double
    /// Events per second per chart step, oldest first (see ``DashboardQueries/perSecond(_:range:step:)``); empty
    /// when not loaded.
    package var countsPerStep: [Double] = []

    /// Events per second over the window.
    package var ratePerSecond: Double { seconds > 0 ? Double(statistics.count) / seconds : 0 }
}

/// The overview's figures: every event name merged, plus the alert count the server knows.
package struct OverviewData: Sendable {
    package var window: DashboardWindow
    package var range: TimeRange
    /// Every event of the window, all names merged.
    package var total: EventStatistics
    /// Per name, busiest first.
    package var operations: [OperationSummary]
    /// Firing alerts; `nil` when the server runs without alerting.
    package var firingAlerts: Int?
    /// Pending alerts; `nil` when the server runs without alerting.
    package var pendingAlerts: Int?

    /// Events per second over the window.
    package var eventsPerSecond: Double { range.seconds > 0 ? Double(total.count) / range.seconds : 0 }

    /// Tokens per hour: `total_tokens` when events carry it, else prompt plus completion; `nil` without tokens.
    package var tokensPerHour: Double? {
        let sums = total.attributeSums
        let tokens =
            sums["total_tokens"]
            ?? (sums["prompt_tokens"] == nil && sums["completion_tokens"] == nil
                ? nil : (sums["prompt_tokens"] ?? 0) + (sums["completion_tokens"] ?? 0))
        return tokens.map { $0 * 3_600 / max(range.seconds, 1) }
    }

    /// Dollars per hour from `cost_usd`; `nil` when no event carries a cost.
    package var costPerHour: Double? {
        total.attributeSums["cost_usd"].map { $0 * 3_600 / max(range.seconds, 1) }
    }

    /// The figures the live stream sends and the page's `data-live` elements show, already formatted.
    package var liveValues: [(key: String, text: String)] {
        var values: [(String, String)] = [
            ("events_per_s", Format.rate(eventsPerSecond)),
            ("count", Format.count(total.count)),
            ("errors", Format.count(total.errors)),
            ("error_rate", Format.percent(total.errorRate)),
            ("p50", Format.milliseconds(total.quantile(0.5))),
            ("p95", Format.milliseconds(total.quantile(0.95))),
            ("p99", Format.milliseconds(total.quantile(0.99))),
            ("tokens_per_h", tokensPerHour.map(Format.quantity) ?? "–"),
            ("cost_per_h", costPerHour.map(Format.dollars) ?? "–"),
        ]
        if let firingAlerts { values.append(("alerts_firing", String(firingAlerts))) }
        if let pendingAlerts { values.append(("alerts_pending", String(pendingAlerts))) }
        return values
    }
}

/// Reads what the pages show through the store's query API (the same calls as `/v1/stats`, `/v1/timeseries` and
/// `/v1/events`), so a page and the API never disagree.
package enum DashboardQueries {
    /// Most operations given a sparkline (one time-series query each).
    package static let sparklineLimit = 60

    /// Every event name with data in `range`, each merged over its series, busiest first.
    ///
    /// - Parameter events: Reads every event series' statistics over `range`, when the caller shares that read;
    ///   `nil` reads them here.
    package static func operations(
        _ store: any MetricStore,
        range: TimeRange,
        events: (@Sendable () async throws -> [(series: SeriesInfo, statistics: EventStatistics)])? = nil
    ) async throws -> [OperationSummary] {
        var byName: [String: EventStatistics] = [:]
        let series: [(series: SeriesInfo, statistics: EventStatistics)]
        if let events {
            series = try await events()
        } else {
            series = try await store.eventStatisticsBySeries(names: nil, range: range)
        }
        for (series, statistics) in series {
            byName[series.key.name, default: EventStatistics()].merge(statistics)
        }
        return byName.map { OperationSummary(name: $0.key, statistics: $0.value, seconds: range.seconds) }
            .sorted { ($0.statistics.count, $1.name) > ($1.statistics.count, $0.name) }
    }

    /// The overview of `window` ending at `now`.
    package static func overview(
        _ store: any MetricStore,
        window: DashboardWindow,
        now: Timestamp = .now(),
        alerts: (firing: Int, pending: Int)? = nil,
        events: (@Sendable () async throws -> [(series: SeriesInfo, statistics: EventStatistics)])? = nil
    ) async throws -> OverviewData {
        let range = window.range(endingAt: now)
        let operations = try await operations(store, range: range, events: events)
        var total = EventStatistics()
        for operation in operations { total.merge(operation.statistics) }
        return OverviewData(
            window: window,
            range: range,
            total: total,
            operations: operations,
            firingAlerts: alerts?.firing,
            pendingAlerts: alerts?.pending
        )
    }

    /// Adds the counts per step of the first ``sparklineLimit`` operations.
    package static func addSparklines(
        _ operations: inout [OperationSummary],
        store: any MetricStore,
        window: DashboardWindow,
        range: TimeRange
    ) async throws {
        for index in operations.indices.prefix(sparklineLimit) {
            let series = try await store.eventTimeSeries(
                StatsQuery(name: operations[index].name, range: range),
                step: window.step
            )
            let slots = steps(series.first, range: range, step: window.step)
            operations[index].countsPerStep = perSecond(slots, range: range, step: window.step).map { $0 ?? 0 }
        }
    }

    /// The statistics of each step of `range` (from its first whole step), `nil` where a step has no data.
    package static func steps(
        _ series: EventTimeSeries?,
        range: TimeRange,
        step: Duration
    ) -> [EventStatistics?] {
        let width = step.nanoseconds
        let first = range.from.nanosecondsSinceEpoch / width * width
        let count = Int((range.to.nanosecondsSinceEpoch - first + width - 1) / width)
        var slots = [EventStatistics?](repeating: nil, count: max(count, 1))
        for point in series?.points ?? [] {
            let slot = Int((point.start.nanosecondsSinceEpoch - first) / width)
            if slots.indices.contains(slot) { slots[slot] = point.statistics }
        }
        return slots
    }

    /// Events per second of each step. The last step is still filling, so it counts only its elapsed seconds, and
    /// is `nil` while empty rather than a drop to zero; every other empty step is zero.
    package static func perSecond(_ slots: [EventStatistics?], range: TimeRange, step: Duration) -> [Double?] {
        let width = step.nanoseconds
        let stepSeconds = Double(width) / 1e9
        let lastStart = range.to.nanosecondsSinceEpoch / width * width
        let elapsed = min(max(Double(range.to.nanosecondsSinceEpoch - lastStart) / 1e9, 1), stepSeconds)
        return slots.enumerated().map { index, slot in
            guard index == slots.count - 1 else { return Double(slot?.count ?? 0) / stepSeconds }
            return slot.map { Double($0.count) / elapsed }
        }
    }
}
