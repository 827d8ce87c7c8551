/// What the health score of one agent is computed from. Every input is optional: a missing one scores
/// neutrally (`HealthScoreConfiguration.neutralScore` of its weight) instead of counting as good or bad.
public struct HealthInputs: Sendable, Hashable {
    /// Share of tasks that succeeded, 0…1.
    public var successRate: Double?
    /// Share of tasks that failed, 0…1.
    public var errorRate: Double?
    /// Average task duration in milliseconds.
    public var averageDurationMilliseconds: Double?
    /// How busy the agent is, 0…1 (0.65 = 65 %).
    public var workload: Double?
    /// Share of lookups served from cache, 0…1.
    public var cacheHitRate: Double?
    /// Minutes since the agent last finished a task.
    public var minutesSinceActive: Double?

    /// Creates inputs; omitted ones are unknown.
    public init(
        successRate: Double? = nil,
        errorRate: Double? = nil,
        averageDurationMilliseconds: Double? = nil,
        workload: Double? = nil,
        cacheHitRate: Double? = nil,
        minutesSinceActive: Double? = nil
    ) {
        self.successRate = successRate
        self.errorRate = errorRate
        self.averageDurationMilliseconds = averageDurationMilliseconds
        self.workload = workload
        self.cacheHitRate = cacheHitRate
        self.minutesSinceActive = minutesSinceActive
    }
}

/// Weights and curves of the health score. The defaults are the agent fleet's original weights (success 25,
/// error rate 25, duration 20, workload 15, cache hit 10, recency 5); weights need not add up to 100, the
/// score is normalised by their sum.
public struct HealthScoreConfiguration: Sendable, Hashable {
    /// Weight of the success rate. Default 25.
    public var successWeight: Double = 25
    /// Weight of the error rate. Default 25.
    public var errorRateWeight: Double = 25
    /// Weight of the average duration. Default 20.
    public var durationWeight: Double = 20
    /// Weight of the workload. Default 15.
    public var workloadWeight: Double = 15
    /// Weight of the cache hit rate. Default 10.
    public var cacheHitWeight: Double = 10
    /// Weight of the recency of activity. Default 5.
    public var recencyWeight: Double = 5
    /// Fraction of its weight a missing input earns. Default 0.8 (the original's 8 of 10 cache points).
    public var neutralScore: Double = 0.8
    /// The error rate that earns no error-rate points (linear from 0). Default 0.20, the "critical" bottleneck.
    public var errorRateForZero: Double = 0.20
    /// Durations up to this earn full duration points. Default 180 s.
    public var durationFullMilliseconds: Double = 180_000
    /// Durations of this earn half the points. Default 300 s, the "medium" bottleneck.
    public var durationHalfMilliseconds: Double = 300_000
    /// Durations of this and more earn none. Default 600 s, the "high" bottleneck.
    public var durationZeroMilliseconds: Double = 600_000
    /// Workloads in this range earn full points. Default 40 %…80 %.
    public var idealWorkload: ClosedRange<Double> = 0.4...0.8
    /// An idle agent (0 %) still earns this fraction of the workload points. Default 0.5.
    public var idleWorkloadScore: Double = 0.5
    /// Activity within this many minutes earns full recency points. Default 5.
    public var recencyFullMinutes: Double = 5
    /// No activity for this many minutes earns none. Default 60.
    public var recencyZeroMinutes: Double = 60

    /// The defaults.
    public init() {}

    /// The defaults.
    public static let `default` = HealthScoreConfiguration()
}

/// A health score with the points each input earned.
public struct HealthScore: Sendable, Hashable {
    /// 0…100.
    public var score: Double
    /// Points per input, in the order success, error rate, duration, workload, cache hit, recency (each out of
    /// its weight, scaled to a 100-point total).
    public var components: [(name: String, points: Double, maximum: Double)]

    /// Scores one agent.
    ///
    /// ```swift
    /// let health = HealthScore(HealthInputs(successRate: 0.98, errorRate: 0.02, averageDurationMilliseconds: 220_000,
    ///                                       workload: 0.65, cacheHitRate: 0.98, minutesSinceActive: 2))
    /// health.score   // ≈ 93.5
    /// ```
    public init(_ inputs: HealthInputs, configuration: HealthScoreConfiguration = .default) {
        let c = configuration
        let parts: [(String, Double, Double?)] = [
            ("success", c.successWeight, inputs.successRate.map { Self.clamp($0) }),
            ("error rate", c.errorRateWeight, inputs.errorRate.map { Self.clamp(1 - $0 / c.errorRateForZero) }),
            ("duration", c.durationWeight, inputs.averageDurationMilliseconds.map { Self.durationScore($0, c) }),
            ("workload", c.workloadWeight, inputs.workload.map { Self.workloadScore($0, c) }),
            ("cache hit", c.cacheHitWeight, inputs.cacheHitRate.map { Self.clamp($0) }),
            ("recency", c.recencyWeight, inputs.minutesSinceActive.map { Self.recencyScore($0, c) }),
        ]
        let totalWeight = parts.map(\.1).reduce(0, +)
        let scale = totalWeight > 0 ? 100 / totalWeight : 0
        components = parts.map { name, weight, fraction in
            (name, (fraction ?? c.neutralScore) * weight * scale, weight * scale)
        }
        score = components.map(\.points).reduce(0, +)
    }

    static func clamp(_ value: Double) -> Double { min(1, max(0, value)) }

    /// 1 up to the full-score duration, 0.5 at the half-score duration, 0 at the zero-score one, linear between.
    static func durationScore(_ milliseconds: Double, _ c: HealthScoreConfiguration) -> Double {
        if milliseconds <= c.durationFullMilliseconds { return 1 }
        if milliseconds <= c.durationHalfMilliseconds {
            return 1 - 0.5 * (milliseconds - c.durationFullMilliseconds)
                / (c.durationHalfMilliseconds - c.durationFullMilliseconds)
        }
        if milliseconds >= c.durationZeroMilliseconds { return 0 }
        return 0.5 * (c.durationZeroMilliseconds - milliseconds)
            / (c.durationZeroMilliseconds - c.durationHalfMilliseconds)
    }

    /// Full inside the ideal range; below it, linear from the idle score at 0; above it, linear down to 0 at 100 %.
    static func workloadScore(_ workload: Double, _ c: HealthScoreConfiguration) -> Double {
        let low = c.idealWorkload.lowerBound
        let high = c.idealWorkload.upperBound
        if c.idealWorkload.contains(workload) { return 1 }
        if workload < low {
            return c.idleWorkloadScore + (1 - c.idleWorkloadScore) * clamp(workload / low)
        }
        return high >= 1 ? 1 : clamp((1 - workload) / (1 - high))
    }

    /// Full within the full-recency minutes, linear down to 0 at the zero-recency minutes.
    static func recencyScore(_ minutes: Double, _ c: HealthScoreConfiguration) -> Double {
        if minutes <= c.recencyFullMinutes { return 1 }
        return clamp((c.recencyZeroMinutes - minutes) / (c.recencyZeroMinutes - c.recencyFullMinutes))
    }

    public static func == (lhs: HealthScore, rhs: HealthScore) -> Bool {
        lhs.score == rhs.score && lhs.components.map(\.points) == rhs.components.map(\.points)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(score) }
}
