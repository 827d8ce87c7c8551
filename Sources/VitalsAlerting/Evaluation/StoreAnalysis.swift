package import Vitals
package import VitalsRules
package import VitalsStore

/// `vitals check` and `vitals report` over a store instead of files: the same reports, from the buckets.
///
/// ```swift
/// let check = try await StoreAnalysis.check(rules, store: store, range: .last(.seconds(3600)))
/// print(check.render(.text))
/// ```
package enum StoreAnalysis {
    /// The rule results over the data of `range`.
    package static func check(_ rules: [Rule], store: any MetricStore, range: TimeRange) async throws -> CheckReport {
        var evaluator = RuleEvaluator(rules: rules)
        try await StoreRuleSource(store: store, range: range).feed(&evaluator)
        return CheckReport(
            results: evaluator.results(),
            eventCount: evaluator.eventCount,
            sampleCount: evaluator.sampleCount
        )
    }

    /// The performance report over the data of `range`: operations, agents, rules, bottlenecks and the memory
    /// trend (from the `memory_mb` gauge).
    ///
    /// - Parameter events: Reads every event series' statistics over `range` when the caller shares that read
    ///   with another consumer; `nil` reads them here.
    package static func report(
        _ rules: [Rule],
        store: any MetricStore,
        range: TimeRange,
        options: ReportOptions = ReportOptions(),
        events: (@Sendable () async throws -> [(series: SeriesInfo, statistics: EventStatistics)])? = nil
    ) async throws -> PerformanceReport {
        var builder = ReportBuilder(rules: rules, options: options)
        let source = StoreRuleSource(store: store, range: range, events: events)
        // The memory series is read while the aggregates are.
        async let memory = store.gaugeTimeSeries(
            StatsQuery(name: WireKey.memoryMB, range: range),
            step: memoryStep(range)
        )
        for (series, lastSeen) in try await source.aggregatesWithLastSeen(for: nil) {
            builder.add(series, lastSeen: min(lastSeen, range.to))
        }
        for series in try await memory {
            for point in series.points where point.statistics.count > 0 {
                if let mean = point.statistics.mean { builder.addMemory(at: point.start, megabytes: mean) }
            }
        }
        return builder.build()
    }

    /// A step giving at most about 2,000 points of memory over `range`, in whole minutes.
    static func memoryStep(_ range: TimeRange) -> Duration {
        let minutes = max(1, Int64((range.seconds / 60 / 2_000).rounded(.up)))
        return .seconds(minutes * 60)
    }
}
