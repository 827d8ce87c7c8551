import Vitals

extension PerformanceReport {
    /// A stable JSON object: `summary`, `agents`, `top_performers`, `bottlenecks`, `plan`, `compliance` (the
    /// `vitals check` JSON), `operations`, `regressions`, `memory`, `recommendations`.
    func renderJSON() -> String {
        let summary: JSONValue = .object([
            ("title", .string(title)),
            ("start", .string(startTime.map(Self.isoText))),
            ("end", .string(endTime.map(Self.isoText))),
            ("events", .number(Double(check.eventCount))),
            ("samples", .number(Double(check.sampleCount))),
            ("agents", .number(Double(agents.count))),
            ("agents_by_status", .object(agentsByStatus.map { ($0.status.rawValue, .number(Double($0.count))) })),
            ("average_health", .number(averageHealth)),
            ("pipeline_health", .string(pipelineHealth.status.rawValue)),
            ("compliance", .number(pipelineHealth.compliance)),
            ("production_ready", .bool(check.passed)),
            ("verdict", .string(check.verdict)),
        ])
        let object: JSONValue = .object([
            ("summary", summary),
            ("agents", .array(agents.map(Self.json))),
            ("top_performers", .array(topPerformers.map { .string($0.id) })),
            ("bottlenecks", .array(bottlenecks.map(Self.json))),
            (
                "plan",
                .array(
                    plan.map { step in
                        .object([
                            ("rank", .number(Double(step.rank))), ("operation", .string(step.subject)),
                            ("estimated_gain_ms", .number(step.estimatedGainMilliseconds)),
                            ("share_of_time", .number(step.shareOfTotal)),
                            ("severity", .string(step.severity?.rawValue)),
                            ("action", .string(step.action)),
                        ])
                    }
                )
            ),
            (
                "compliance",
                .object([
                    ("passed", .bool(check.passed)), ("verdict", .string(check.verdict)),
                    ("violations", .array(check.violations.map(CheckReport.json))),
                    ("results", .array(check.results.map(CheckReport.json))),
                ])
            ),
            ("operations", .array(operationsByTime.map { Self.json(name: $0.key.name, $0.value) })),
            ("regressions", comparison.map { Self.json($0) } ?? .null),
            ("memory", memory.map(Self.json) ?? .null),
            ("recommendations", .array(recommendations.map { .string($0) })),
        ])
        return object.serialized() + "\n"
    }

    private static func json(_ agent: AgentReport) -> JSONValue {
        .object([
            ("id", .string(agent.id)), ("name", .string(agent.name)), ("domain", .string(agent.domain)),
            ("status", .string(agent.status.rawValue)), ("health", .number(agent.health.score)),
            (
                "health_components",
                .object(agent.health.components.map { ($0.name, .number($0.points)) })
            ),
            ("tasks", .number(Double(agent.tasks))), ("failures", .number(Double(agent.failures))),
            ("error_rate", .number(agent.errorRate)), ("avg_duration_ms", .number(agent.averageDurationMilliseconds)),
            ("workload", .number(agent.workload)), ("workload_status", .string(agent.workloadStatus?.rawValue)),
            ("recommended_action", .string(agent.workloadStatus?.recommendedAction)),
            ("queue_depth", .number(agent.queueDepth)), ("cache_hit_rate", .number(agent.cacheHitRate)),
            ("minutes_since_active", .number(agent.minutesSinceActive)),
        ])
    }

    private static func json(_ item: Bottleneck) -> JSONValue {
        .object([
            ("subject", .string(item.subject)), ("issue", .string(item.issue)),
            ("severity", .string(item.severity?.rawValue)), ("share_of_time", .number(item.shareOfTime)),
            ("excess", .number(item.excess)), ("estimated_gain_ms", .number(item.estimatedGainMilliseconds)),
            ("recommendation", .string(item.recommendation)),
        ])
    }

    private static func json(name: String, _ value: EventStatistics) -> JSONValue {
        .object([
            ("name", .string(name)), ("count", .number(Double(value.count))), ("errors", .number(Double(value.errors))),
            ("total_ms", .number(value.totalMilliseconds)), ("avg_ms", .number(value.meanMilliseconds)),
            ("p50_ms", .number(value.durations.quantile(0.5))), ("p95_ms", .number(value.durations.quantile(0.95))),
            ("p99_ms", .number(value.durations.quantile(0.99))), ("max_ms", .number(value.durations.max)),
        ])
    }

    private static func json(_ comparison: ComparisonReport) -> JSONValue {
        .object([
            ("verdict", .string(comparison.verdict)),
            ("regressed", .array(comparison.regressions.map { .string($0.name) })),
            ("improved", .array(comparison.improvements.map { .string($0.name) })),
        ])
    }

    private static func json(_ memory: MemoryTrend) -> JSONValue {
        .object([
            ("samples", .number(Double(memory.sampleCount))), ("span_seconds", .number(memory.spanSeconds)),
            ("slope_mb_per_s", .number(memory.slopeMegabytesPerSecond)), ("p_value", .number(memory.pValue)),
            ("significant", .bool(memory.isSignificant)), ("leak_suspected", .bool(memory.leakSuspected)),
            ("peak_mb", .number(memory.peakMegabytes)), ("mean_mb", .number(memory.meanMegabytes)),
            ("efficiency_score", .number(memory.efficiencyScore)),
        ])
    }
}
