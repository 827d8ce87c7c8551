import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization
import Vitals
import VitalsAlerting
import VitalsDashboard
import VitalsStore

extension VitalsServer {
    /// The dashboard's pages; `VitalsDashboard` renders them from the store's query API.
    func addDashboardRoutes(to router: Router<BasicRequestContext>) {
        let pages: [(String, @Sendable (Request) async throws -> String)] = [
            ("/", { try await self.overviewPage($0) }),
            ("/operations", { try await self.operationsPage($0) }),
            ("/operations/**", { try await self.operationPage($0) }),
            ("/pipeline", { try await self.pipelinePage($0) }),
            ("/tools", { try await self.toolsPage($0) }),
            ("/alerts", { try await self.alertsPage($0) }),
        ]
        for (path, render) in pages {
            router.get(RouterPath(path)) { request, _ in await self.sharedPage(request) { try await render(request) } }
        }
        addAgentRoutes(to: router)
        router.get("/snapshot") { request, _ in await self.snapshot(request) }
        router.get("/v1/stream") { request, _ in try await self.answer { try self.stream(request) } }
    }

    /// The header of a live page's refetch: the change generation its stream told it of.
    static let generationHeader = HTTPFields.Element.Name("X-Vitals-Generation")!

    /// ``page(_:)`` for a page whose HTML may be shared: a live page's refetch names the change generation it
    /// wants, and copies of one address asking at about the same time get one rendering.
    ///
    /// The page's `<body>` carries the change generation read before the page read the store
    /// (`data-generation`): its live script refetches it as soon as its stream tells of a later one.
    func sharedPage(_ request: Request, _ body: @escaping @Sendable () async throws -> String) async -> Response {
        await page {
            let current = changeGeneration.load(ordering: .acquiring)
            let stamped: @Sendable () async throws -> String = { Self.stamp(try await body(), generation: current) }
            guard let wanted = request.headers[Self.generationHeader].flatMap({ UInt64($0) }) else {
                return try await stamped()
            }
            return try await sharedPages.value(
                request.uri.description,
                current: current,
                wanted: min(wanted, current),
                compute: stamped
            )
        }
    }

    /// `html` with `data-generation="N"` on its `<body>`.
    static func stamp(_ html: String, generation: UInt64) -> String {
        guard let body = html.range(of: "<body") else { return html }
        var stamped = html
        stamped.insert(contentsOf: " data-generation=\"\(generation)\"", at: body.upperBound)
        return stamped
    }

    /// Runs a page: 200 with its HTML; a 400 page for a bad parameter; a 503 page when the store fails.
    func page(_ body: () async throws -> String) async -> Response {
        do {
            return Self.html(try await body())
        } catch let error as DashboardError {
            return Self.html(DashboardLayout.errorPage(error), status: .badRequest)
        } catch {
            logger.error("dashboard: the store failed", metadata: ["error": "\(error)"])
            return Self.html(
                DashboardLayout.errorPage(DashboardError("the store is unavailable (\(error)); reload in a moment")),
                status: .serviceUnavailable
            )
        }
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        .bodyResponse(
            Array(text.utf8),
            contentType: "text/html; charset=utf-8",
            status: status,
            headers: [.cacheControl: "no-store"]
        )
    }

    /// The query parameters of a page, refusing any the page does not know (a typo is a 400, not a silent default).
    func dashboardParameters(_ request: Request, allowed: Set<String>) throws(DashboardError) -> [String: String] {
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard allowed.contains(name) else {
                throw DashboardError(
                    "\(name.prefix(64)): not a parameter of this page; expected \(allowed.sorted().joined(separator: ", "))"
                )
            }
            parameters[name] = String(value)
        }
        return parameters
    }

    /// The overview of a window (the page and the stream share it).
    ///
    /// - Parameter events: Reads every event series' statistics over the window, when the caller shares that
    ///   read; `nil` reads them here.
    func overview(
        _ window: DashboardWindow,
        now: Timestamp = .now(),
        events: (@Sendable () async throws -> [(series: SeriesInfo, statistics: EventStatistics)])? = nil
    ) async throws -> OverviewData {
        var alerts: (firing: Int, pending: Int)?
        if let alerting {
            let states = try await alerting.alerts().map(\.alert.state)
            alerts = (states.count { $0 == .firing }, states.count { $0 == .pending })
        }
        return try await DashboardQueries.overview(store, window: window, now: now, alerts: alerts, events: events)
    }

    private func overviewPage(_ request: Request) async throws -> String {
        let parameters = try dashboardParameters(request, allowed: ["window"])
        let window = try DashboardWindow(parameter: parameters["window"])
        // The figures and the packs' report need the same statistics of every event series over the same range:
        // they are read once and shared, while the report reads its gauges.
        let now = Timestamp.now()
        let range = window.range(endingAt: now)
        let store = self.store
        let read = Task { try await store.eventStatisticsBySeries(names: nil, range: range) }
        defer { read.cancel() }
        let events: @Sendable () async throws -> [(series: SeriesInfo, statistics: EventStatistics)] = {
            try await read.value
        }
        async let report = builtInReport(range, events: events)
        let data = try await overview(window, now: now, events: events)
        return OverviewPage.render(data, report: try await report)
    }

    private func operationsPage(_ request: Request) async throws -> String {
        let parameters = try dashboardParameters(request, allowed: ["window", "sort"])
        let window = try DashboardWindow(parameter: parameters["window"])
        let sort = try OperationsPage.Sort(parameter: parameters["sort"])
        let range = window.range(endingAt: .now())
        var operations = try await DashboardQueries.operations(store, range: range)
        try await DashboardQueries.addSparklines(&operations, store: store, window: window, range: range)
        return OperationsPage.render(operations, window: window, sort: sort)
    }

    private func operationPage(_ request: Request) async throws -> String {
        let parameters = try dashboardParameters(request, allowed: ["window", "by"])
        let window = try DashboardWindow(parameter: parameters["window"])
        let encoded = request.uri.path.dropFirst("/operations/".count)
        guard encoded.utf8.count <= 4 * IngestLimits.maximumNameBytes,
            let name = String(encoded).removingPercentEncoding
        else {
            throw DashboardError("the operation name in the address is too long or not valid percent-encoding")
        }
        let page = try await OperationPage.load(
            store,
            name: name,
            window: window,
            groupBy: parameters["by"],
            groupKeys: configuration.store.labelKeys
        )
        return page.render()
    }

    private func alertsPage(_ request: Request) async throws -> String {
        let parameters = try dashboardParameters(request, allowed: ["state", "severity", "rule"])
        // The filter form sends an empty value for "any".
        func value(_ key: String) -> String? { parameters[key].flatMap { $0.isEmpty ? nil : $0 } }
        let filter = try AlertsPage.Filter(state: value("state"), severity: value("severity"), rule: value("rule"))
        guard let alerting else { return AlertsPage.render(nil, filter: filter) }
        let now = Timestamp.now()
        let rows = try await alerting.alerts().map { alert, muted in
            AlertsPage.Row(
                fingerprint: alert.fingerprint,
                rule: alert.rule,
                state: alert.state.rawValue,
                severity: alert.severity,
                group: alert.group.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) },
                valueText: alert.valueText,
                threshold: alert.threshold,
                since: alert.resolvedAt ?? alert.firingSince ?? alert.activeSince,
                summary: alert.summary,
                recommendation: alert.recommendation,
                acknowledgedBy: alert.isAcknowledged(at: now) ? alert.acknowledgement?.author : nil,
                muted: muted,
                startedAt: alert.activeSince,
                endedAt: alert.resolvedAt
            )
        }
        return AlertsPage.render(rows, filter: filter)
    }
}
