import Vitals
import VitalsRules

/// The parameters of `GET /agents`: a search in agent ids and names, a domain, a band and a sort, all plain GET form
/// fields so that the page works without JavaScript.
package struct AgentsFilter: Sendable {
    /// The columns one can sort by (`?sort=`): `health` worst first, `id` A to Z, the others largest first.
    package enum Sort: String, Sendable, CaseIterable {
        case health, id, band, events
        case errorRate = "error_rate"
        case p95, failures
    }

    /// The longest search accepted, in bytes.
    package static let maximumSearchBytes = 128
    /// The longest domain accepted, in bytes (a label value's limit).
    package static let maximumDomainBytes = 1_024

    /// Agents whose id or name contains this, ignoring case; `nil` for every agent.
    package var search: String?
    /// Agents of this `agent_domain`; `nil` for every domain.
    package var domain: String?
    /// Agents in this band; `nil` for every band.
    package var band: AgentBand?
    package var sort: Sort

    /// The filter of the page's parameters; an empty value means "any".
    ///
    /// - Throws: ``DashboardError`` for a search or domain too long, an unknown band or sort.
    package init(search: String?, domain: String?, band: String?, sort: String?) throws(DashboardError) {
        if let search, search.utf8.count > Self.maximumSearchBytes {
            throw DashboardError(
                "q: the search is \(search.utf8.count) bytes long; expected at most \(Self.maximumSearchBytes)"
            )
        }
        if let domain, domain.utf8.count > Self.maximumDomainBytes {
            throw DashboardError(
                "domain: the value is \(domain.utf8.count) bytes long; expected at most \(Self.maximumDomainBytes)"
            )
        }
        self.search = search.flatMap { $0.isEmpty ? nil : $0 }
        self.domain = domain.flatMap { $0.isEmpty ? nil : $0 }
        self.band = try AgentBand.filter(band)
        if let sort, !sort.isEmpty {
            guard let value = Sort(rawValue: sort) else {
                throw DashboardError(
                    "sort=\(sort.prefix(64)): expected one of " + Sort.allCases.map(\.rawValue).joined(separator: ", ")
                )
            }
            self.sort = value
        } else {
            self.sort = .health
        }
    }

    /// Whether `agent` passes the search, domain and band.
    func admits(_ agent: AgentSummary) -> Bool {
        if let domain, agent.report.domain != domain { return false }
        if let band, agent.band != band { return false }
        if let search {
            let needle = search.lowercased()
            return agent.id.lowercased().contains(needle) || (agent.report.name?.lowercased().contains(needle) ?? false)
        }
        return true
    }

    /// `agents` admitted, in the order of ``sort`` (ties by id).
    func apply(_ agents: [AgentSummary]) -> [AgentSummary] {
        let admitted = agents.filter(admits)
        func key(_ agent: AgentSummary) -> Double {
            switch sort {
            case .health: -agent.report.health.score
            case .id: 0
            case .band: agent.band == .unknown ? -1 : Double(AgentBand.allCases.firstIndex(of: agent.band) ?? 0)
            case .events: Double(agent.statistics.count)
            case .errorRate: agent.report.errorRate
            case .p95: agent.statistics.quantile(0.95) ?? -1
            case .failures: Double(agent.recentFailures)
            }
        }
        if sort == .id { return admitted.sorted { $0.id < $1.id } }
        return admitted.sorted { (key($0), $1.id) > (key($1), $0.id) }
    }

    /// The filter's parameters (without `window=` and `sort=`), percent-encoded `key=value` pairs.
    var parameters: [String] {
        var pairs: [String] = []
        if let search { pairs.append("q=\(HTML.urlComponent(search))") }
        if let domain { pairs.append("domain=\(HTML.urlComponent(domain))") }
        if let band { pairs.append("band=\(band.rawValue)") }
        return pairs
    }
}
