/// How one agent is doing: activity, failures, duration, the latest gauges, health score and status.
public struct AgentReport: Sendable, Hashable {
    /// The overall state of an agent, worst first when sorted descending.
    ///
    /// failing: workload above 95 % or health below 40; overloaded: workload 85–95 %; degraded: health below
    /// 70; busy: workload 70–85 %; healthy otherwise.
    public enum Status: String, Sendable, Hashable, CaseIterable, Comparable {
        /// None of the below.
        case healthy
        /// Workload 70–85 %.
        case busy
        /// Health below 70.
        case degraded
        /// Workload 85–95 %.
        case overloaded
        /// Workload above 95 % or health below 40.
        case failing

        public static func < (lhs: Status, rhs: Status) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// The `agent_id` label.
    public var id: String
    /// The `agent_name` label, when events carry it.
    public var name: String?
    /// The `agent_domain` label, when events carry it.
    public var domain: String?
    /// Events of the agent.
    public var tasks: UInt64
    /// Failed events of the agent.
    public var failures: UInt64
    /// Mean duration in milliseconds.
    public var averageDurationMilliseconds: Double?
    /// Latest `workload_pct` as a fraction.
    public var workload: Double?
    /// Latest `queue_depth`.
    public var queueDepth: Double?
    /// Latest `cache_hit_rate`.
    public var cacheHitRate: Double?
    /// Minutes between the agent's last event and the end of the data.
    public var minutesSinceActive: Double?
    /// The health score.
    public var health: HealthScore
    /// The workload band, when the workload is known.
    public var workloadStatus: WorkloadStatus?
    /// The overall state.
    public var status: Status

    /// Failed over all events (0 without events).
    public var errorRate: Double { tasks == 0 ? 0 : Double(failures) / Double(tasks) }

    /// Builds an agent's report and scores it.
    public init(
        id: String,
        name: String? = nil,
        domain: String? = nil,
        tasks: UInt64,
        failures: UInt64,
        averageDurationMilliseconds: Double?,
        workload: Double?,
        queueDepth: Double?,
        cacheHitRate: Double?,
        minutesSinceActive: Double?,
        configuration: HealthScoreConfiguration = .default
    ) {
        self.id = id
        self.name = name
        self.domain = domain
        self.tasks = tasks
        self.failures = failures
        self.averageDurationMilliseconds = averageDurationMilliseconds
        self.workload = workload
        self.queueDepth = queueDepth
        self.cacheHitRate = cacheHitRate
        self.minutesSinceActive = minutesSinceActive
        let errorRate = tasks == 0 ? nil : Double(failures) / Double(tasks)
        health = HealthScore(
            HealthInputs(
                successRate: errorRate.map { 1 - $0 },
                errorRate: errorRate,
                averageDurationMilliseconds: averageDurationMilliseconds,
                workload: workload,
                cacheHitRate: cacheHitRate,
                minutesSinceActive: minutesSinceActive
            ),
            configuration: configuration
        )
        let band = workload.map { WorkloadStatus(workload: $0) }
        workloadStatus = band
        if band == .failing || health.score < 40 {
            status = .failing
        } else if band == .overloaded {
            status = .overloaded
        } else if health.score < 70 {
            status = .degraded
        } else if band == .busy {
            status = .busy
        } else {
            status = .healthy
        }
    }

    /// The name if known, else the id.
    public var displayName: String { name.map { "\($0) (\(id))" } ?? id }
}
