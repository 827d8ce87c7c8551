import Hummingbird
import Logging
import Vitals
import VitalsAlerting
import VitalsRules
import VitalsStore

extension VitalsServer {
    func addQueryRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/stats") { request, _ in try await self.answer { try await self.stats(request) } }
        router.get("/v1/timeseries") { request, _ in try await self.answer { try await self.timeSeries(request) } }
        router.get("/v1/events") { request, _ in try await self.answer { try await self.events(request) } }
        router.get("/v1/series") { request, _ in try await self.answer { try await self.series(request) } }
        router.get("/v1/report") { request, _ in try await self.answer { try await self.report(request) } }
    }

    /// Runs a route, turning bad parameters into 400 and store failures into 503, both as `{"error":…}`.
    func answer(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as APIError {
            return error.response
        } catch let error as QueryError {
            return APIError(.badRequest, error.message).response
        } catch let error as StoreError where error.code == .invalidQuery {
            return APIError(.badRequest, error.message).response
        } catch let error as StoreError {
            logger.error("query: the store failed", metadata: ["error": "\(error)"])
            return APIError(
                .serviceUnavailable,
                "the store is unavailable: \(error.message)",
                headers: [.retryAfter: "5"]
            )
            .response
        }
    }

    func parameters(_ request: Request) throws(QueryError) -> QueryParameters {
        try QueryParameters(request.uri.queryParameters.map { (String($0.key), String($0.value)) })
    }

    private func stats(_ request: Request) async throws -> Response {
        let parameters = try parameters(request)
        try parameters.reject(["step", "sort", "status", "limit", "format"], request, route: "/v1/stats")
        switch parameters.subject {
        case .event(let name):
            let query = parameters.statsQuery(name)
            let groups = try await store.eventStats(query)
            return .json(
                QueryRendering.eventStats(groups, event: name, range: parameters.range, quantiles: parameters.quantiles)
            )
        case .metric(let name):
            let query = parameters.statsQuery(name)
            let groups = try await store.gaugeStats(query)
            return .json(QueryRendering.gaugeStats(groups, metric: name, range: parameters.range))
        case nil:
            throw QueryError("event: /v1/stats needs event=NAME or metric=NAME")
        }
    }

    private func timeSeries(_ request: Request) async throws -> Response {
        let parameters = try parameters(request)
        try parameters.reject(["sort", "status", "limit", "format"], request, route: "/v1/timeseries")
        let step = parameters.step ?? .seconds(60)
        let steps = parameters.stepCount(step)
        guard steps <= 10_000 else {
            throw QueryError(
                "step: the range holds \(steps < 1e15 ? String(Int64(steps)) : "more than 10^15") steps; "
                    + "expected at most 10000 (use a larger step)"
            )
        }
        switch parameters.subject {
        case .event(let name):
            let query = parameters.statsQuery(name)
            let series = try await store.eventTimeSeries(query, step: step)
            return .json(
                QueryRendering.eventTimeSeries(
                    series,
                    event: name,
                    range: parameters.range,
                    step: step,
                    quantiles: parameters.quantiles
                )
            )
        case .metric(let name):
            let query = parameters.statsQuery(name)
            let series = try await store.gaugeTimeSeries(query, step: step)
            return .json(QueryRendering.gaugeTimeSeries(series, metric: name, range: parameters.range, step: step))
        case nil:
            throw QueryError("event: /v1/timeseries needs event=NAME or metric=NAME")
        }
    }

    private func events(_ request: Request) async throws -> Response {
        let parameters = try parameters(request)
        try parameters.reject(["by", "step", "quantiles", "format", "metric"], request, route: "/v1/events")
        var name: String?
        if case .event(let event) = parameters.subject { name = event }
        let query = EventQuery(
            name: name,
            range: parameters.range,
            matchers: parameters.matchers,
            failedOnly: parameters.failedOnly,
            order: parameters.order,
            limit: parameters.limit ?? 100
        )
        return .json(QueryRendering.events(try await store.events(query)))
    }

    private func series(_ request: Request) async throws -> Response {
        let parameters = try parameters(request)
        try parameters.reject(
            ["by", "step", "sort", "status", "quantiles", "format", "from", "to", "window"],
            request,
            route: "/v1/series"
        )
        let query: SeriesQuery
        switch parameters.subject {
        case .event(let name): query = SeriesQuery(kind: .event, name: name, matchers: parameters.matchers)
        case .metric(let name): query = SeriesQuery(kind: .gauge, name: name, matchers: parameters.matchers)
        case nil: query = SeriesQuery(matchers: parameters.matchers)
        }
        var series = try await store.series(query)
        if let limit = parameters.limit, series.count > limit { series.removeLast(series.count - limit) }
        return .json(QueryRendering.series(series))
    }

    /// The analysis of the range from the store's buckets (events and gauges), with every built-in rule pack.
    private func report(_ request: Request) async throws -> Response {
        let parameters = try parameters(request)
        try parameters.reject(["by", "step", "sort", "status", "limit", "quantiles"], request, route: "/v1/report")
        guard parameters.subject == nil, parameters.matchers.isEmpty else {
            throw QueryError("/v1/report covers the whole store: event=, metric= and label filters do not apply")
        }
        let format = try Self.reportFormat(parameters.format, accept: request.headers[.accept])
        let report = try await builtInReport(parameters.range)
        let text = report.render(format)
        return .bodyResponse(Array(text.utf8), contentType: Self.contentType(of: format))
    }

    /// The performance report of `range` with every built-in pack over the store's buckets: what `/v1/report`
    /// answers, and what the dashboard's pipeline, tools and snapshot pages show.
    ///
    /// - Parameter events: Reads every event series' statistics over `range`, when the caller shares that read.
    func builtInReport(
        _ range: TimeRange,
        events: (@Sendable () async throws -> [(series: SeriesInfo, statistics: EventStatistics)])? = nil
    ) async throws -> PerformanceReport {
        var options = ReportOptions()
        options.title = "Vitals report, \(range.from.rfc3339) to \(range.to.rfc3339)"
        return try await StoreAnalysis.report(
            try Self.builtInRules.get(),
            store: store,
            range: range,
            options: options,
            events: events
        )
    }

    /// Every built-in pack, parsed once.
    static let builtInRules: Result<[Rule], APIError> = Result {
        try RuleSet.combined(RulePacks.all)
    }.mapError { APIError(.internalServerError, "the built-in rule packs do not combine: \($0)") }

    /// `format=` wins; else the `Accept` header (JSON, Markdown, HTML); else JSON.
    static func reportFormat(_ parameter: String?, accept: String?) throws(QueryError) -> ReportFormat {
        if let parameter {
            guard let format = ReportFormat(rawValue: parameter) else {
                throw QueryError("format=\(parameter): expected json, markdown, html or text")
            }
            return format
        }
        let accept = accept?.lowercased() ?? ""
        if accept.contains("text/html") { return .html }
        if accept.contains("text/markdown") { return .markdown }
        if accept.contains("application/json") { return .json }
        if accept.contains("text/plain") { return .text }
        return .json
    }

    static func contentType(of format: ReportFormat) -> String {
        switch format {
        case .json: "application/json"
        case .markdown: "text/markdown; charset=utf-8"
        case .html: "text/html; charset=utf-8"
        case .text: "text/plain; charset=utf-8"
        }
    }
}

extension QueryParameters {
    /// The statistics query of these parameters for the event or gauge `name`.
    func statsQuery(_ name: String) -> StatsQuery {
        StatsQuery(name: name, range: range, matchers: matchers, groupBy: groupBy)
    }

    /// A 400 for parameters a route does not use, rather than silently ignoring a mistake.
    func reject(_ unused: Set<String>, _ request: Request, route: String) throws(QueryError) {
        for (key, _) in request.uri.queryParameters where unused.contains(String(key)) {
            throw QueryError("\(key): not a parameter of \(route)")
        }
    }
}
