import Foundation
import Hummingbird
import Vitals
import VitalsAlerting
import VitalsDashboard
import VitalsRules
import VitalsStore

extension VitalsServer {
    /// The dashboard's agents pages.
    func addAgentRoutes(to router: Router<BasicRequestContext>) {
        router.get("/agents") { request, _ in await self.sharedPage(request) { try await self.agentsPage(request) } }
        router.get("/agents/**") { request, _ in await self.sharedPage(request) { try await self.agentPage(request) } }
    }

    private func agentsPage(_ request: Request) async throws -> String {
        let parameters = try dashboardParameters(request, allowed: ["window", "q", "domain", "band", "sort"])
        let window = try DashboardWindow(parameter: parameters["window"])
        let filter = try AgentsFilter(
            search: parameters["q"],
            domain: parameters["domain"],
            band: parameters["band"],
            sort: parameters["sort"]
        )
        let range = window.range(endingAt: .now())
        let report = try await builtInReport(range)
        let agents = try await AgentQueries.summaries(store, report: report, range: range)
        return AgentsPage.render(agents, window: window, filter: filter)
    }

    private func agentPage(_ request: Request) async throws -> String {
        let parameters = try dashboardParameters(request, allowed: ["window"])
        let window = try DashboardWindow(parameter: parameters["window"])
        let encoded = request.uri.path.dropFirst("/agents/".count)
        guard encoded.utf8.count <= 4 * IngestLimits.maximumLabelValueBytes,
            let id = String(encoded).removingPercentEncoding
        else {
            throw DashboardError("the agent id in the address is too long or not valid percent-encoding")
        }
        try AgentPage.validate(id)
        let range = window.range(endingAt: .now())
        let report = try await builtInReport(range)
        let page = try await AgentPage.load(store, id: id, window: window, report: report, range: range)
        return page.render()
    }
}
