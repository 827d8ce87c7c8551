package import VitalsRules

/// An agent's workload band on the dashboard: the report's `WorkloadStatus` of its latest `workload_pct`, or
/// `unknown` when the agent sends no workload gauge. The `band=` filter of `/agents` takes these values.
package enum AgentBand: String, Sendable, CaseIterable {
    /// Workload below 70 %.
    case healthy
    /// Workload 70 % up to 85 %.
    case busy
    /// Workload 85 % up to 95 %.
    case overloaded
    /// Workload above 95 %.
    case failing
    /// No `workload_pct` gauge in the window.
    case unknown

    /// The band of `agent`, as the report judged it.
    package init(_ agent: AgentReport) {
        switch agent.workloadStatus {
        case .healthy?: self = .healthy
        case .busy?: self = .busy
        case .overloaded?: self = .overloaded
        case .failing?: self = .failing
        case nil: self = .unknown
        }
    }

    /// The band of a `band=` value; `nil` for an absent or empty one (every band).
    ///
    /// - Throws: ``DashboardError`` naming the accepted values.
    package static func filter(_ parameter: String?) throws(DashboardError) -> AgentBand? {
        guard let parameter, !parameter.isEmpty else { return nil }
        guard let band = AgentBand(rawValue: parameter) else {
            throw DashboardError(
                "band=\(parameter.prefix(64)): expected one of "
                    + AgentBand.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        return band
    }

    /// A heading for people.
    var title: String {
        switch self {
        case .healthy: "Healthy"
        case .busy: "Busy"
        case .overloaded: "Overloaded"
        case .failing: "Failing"
        case .unknown: "No workload gauge"
        }
    }

    /// The workload range of the band.
    var range: String {
        switch self {
        case .healthy: "workload below 70 %"
        case .busy: "workload 70–85 %"
        case .overloaded: "workload 85–95 %"
        case .failing: "workload above 95 %"
        case .unknown: "no workload_pct"
        }
    }

    /// A sign that tells the bands apart without colour.
    var sign: String {
        switch self {
        case .healthy: "✓"
        case .busy: "◐"
        case .overloaded: "▲"
        case .failing: "✗"
        case .unknown: "?"
        }
    }

    /// The CSS class colouring the band's word.
    var statusClass: String {
        switch self {
        case .healthy: "status-ok"
        case .busy, .overloaded: "status-warn"
        case .failing: "status-bad"
        case .unknown: "muted"
        }
    }

    /// The band as a sign and a word, coloured.
    var html: String { "<span class=\"\(statusClass)\">\(sign) \(rawValue)</span>" }
}
