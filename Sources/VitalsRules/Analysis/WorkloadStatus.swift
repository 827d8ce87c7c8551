/// How busy an agent is, in the agent fleet's four bands, each with what to do about it.
///
/// | status | workload | action |
/// | --- | --- | --- |
/// | healthy | below 70 % | none |
/// | busy | 70 % up to 85 % | monitor closely |
/// | overloaded | 85 % up to 95 % (inclusive) | add capacity |
/// | failing | above 95 % | immediate intervention |
///
/// ```swift
/// WorkloadStatus(workload: 0.88)   // .overloaded
/// ```
public enum WorkloadStatus: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Below 70 %.
    case healthy
    /// 70 % up to 85 %.
    case busy
    /// 85 % up to 95 %.
    case overloaded
    /// Above 95 %.
    case failing

    /// The band of a workload given as a fraction (0.88 = 88 %).
    public init(workload: Double) {
        if workload > 0.95 {
            self = .failing
        } else if workload >= 0.85 {
            self = .overloaded
        } else if workload >= 0.70 {
            self = .busy
        } else {
            self = .healthy
        }
    }

    /// What to do about an agent in this band.
    public var recommendedAction: String {
        switch self {
        case .healthy: return "None."
        case .busy: return "Monitor closely."
        case .overloaded: return "Add capacity or reduce incoming task rate."
        case .failing: return "CRITICAL: Immediate intervention required."
        }
    }

    public static func < (lhs: WorkloadStatus, rhs: WorkloadStatus) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The traffic light of a pipeline (or any rule set) from its rule results.
///
/// RED when a blocking rule is violated (production is blocked), YELLOW when any other rule is, GREEN otherwise. The
/// compliance is the share of evaluated results (those with data) that passed.
public struct PipelineHealth: Sendable, Hashable {
    /// The light.
    public enum Status: String, Sendable, Hashable {
        /// Nothing violated.
        case green = "GREEN"
        /// Only non-blocking, non-critical violations.
        case yellow = "YELLOW"
        /// A blocking violation.
        case red = "RED"
    }

    /// The light.
    public var status: Status
    /// Passed results over evaluated results, 0…1 (1 when nothing was evaluated).
    public var compliance: Double

    /// Judges a set of rule results.
    public init(results: [RuleResult]) {
        let violated = results.filter { $0.status == .violated }
        if violated.contains(where: \.isBlocking) {
            status = .red
        } else if !violated.isEmpty {
            status = .yellow
        } else {
            status = .green
        }
        let evaluated = results.filter { $0.status != .noData }.count
        let passed = results.filter { $0.status == .passed }.count
        compliance = evaluated == 0 ? 1 : Double(passed) / Double(evaluated)
    }
}
