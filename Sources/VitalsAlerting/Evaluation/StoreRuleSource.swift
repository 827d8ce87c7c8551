package import Vitals
package import VitalsRules
package import VitalsStore

/// A store as a source of rule data: the merged bucket aggregates of its event and gauge series over a range.
///
/// Rules read buckets, never raw events (kept for 7 days only), so any range the buckets cover can be checked,
/// and one evaluation costs one pass over the buckets whatever the number of rules and groups. Matchers and
/// `by` see the series' labels; attributes that are not labels are not in the buckets, except the additive
/// ones (tokens, `cost_usd`), whose sums are kept (`sum:ATTR`, and `avg:ATTR` per event).
///
/// ```swift
/// let source = StoreRuleSource(store: store, range: .last(.seconds(3600)))
/// let results = try await RuleEvaluator.evaluate(rules, over: source)
/// ```
package struct StoreRuleSource: RuleDataSource, Sendable {
    /// The store.
    package var store: any MetricStore
    /// The data's time range.
    package var range: TimeRange
    /// Reads every event series' statistics over `range`, when the caller shares one read between several
    /// consumers (the overview page and its report); `nil` reads them from the store.
    package var events: (@Sendable () async throws -> [(series: SeriesInfo, statistics: EventStatistics)])?

    /// A source over the series of `store` in `range`.
    package init(
        store: any MetricStore,
        range: TimeRange,
        events: (@Sendable () async throws -> [(series: SeriesInfo, statistics: EventStatistics)])? = nil
    ) {
        self.store = store
        self.range = range
        self.events = events
    }

    package func feed(_ evaluator: inout RuleEvaluator) async throws {
        for series in try await aggregates(for: evaluator.rules) { evaluator.add(series) }
    }

    /// One aggregate per stored series that `rules` may read (every series when `rules` is `nil`), merged over
    /// the range.
    package func aggregates(for rules: [Rule]?) async throws -> [SeriesAggregate] {
        try await aggregatesWithLastSeen(for: rules).map(\.series)
    }

    /// ``aggregates(for:)`` with the time each series last had data.
    func aggregatesWithLastSeen(for rules: [Rule]?) async throws -> [(series: SeriesAggregate, lastSeen: Timestamp)] {
        var aggregates: [(series: SeriesAggregate, lastSeen: Timestamp)] = []
        // The gauges are read while the events are.
        let gaugeNames = Self.names(of: .gauge, in: rules)
        let store = self.store
        let range = self.range
        async let gauges: [(series: SeriesInfo, statistics: GaugeStatistics)] = {
            guard let names = gaugeNames else { return [] }
            return try await store.gaugeStatisticsBySeries(names: names.all ? nil : names.exact, range: range)
        }()
        if let names = Self.names(of: .event, in: rules) {
            var series: [(series: SeriesInfo, statistics: EventStatistics)]
            if let events {
                series = try await events()
                if !names.all { series.removeAll { !names.exact.contains($0.series.key.name) } }
            } else {
                series = try await store.eventStatisticsBySeries(names: names.all ? nil : names.exact, range: range)
            }
            for (info, statistics) in series {
                var attributes: [String: AttributeStatistics] = [:]
                for (name, sum) in statistics.attributeSums {
                    attributes[name] = AttributeStatistics(count: statistics.count, sum: sum)
                }
                aggregates.append(
                    (
                        SeriesAggregate(
                            key: info.key,
                            operation: statistics,
                            attributes: attributes,
                            firstTime: range.from,
                            lastTime: range.to
                        ),
                        info.lastSeen
                    )
                )
            }
        }
        for (info, statistics) in try await gauges {
            aggregates.append(
                (
                    SeriesAggregate(key: info.key, gauge: statistics, firstTime: range.from, lastTime: range.to),
                    info.lastSeen
                )
            )
        }
        return aggregates
    }

    /// The names of `source` the rules read: `nil` when no rule reads that source, `all` when some rule's name
    /// condition is not one exact name.
    private static func names(of source: SeriesKind, in rules: [Rule]?) -> (all: Bool, exact: Set<String>)? {
        guard let rules else { return (true, []) }
        var exact: Set<String> = []
        var any = false
        for rule in rules where rule.source == source {
            any = true
            guard let name = rule.nameMatcher.exactValue else { return (true, []) }
            exact.insert(name)
        }
        return any ? (false, exact) : nil
    }
}
