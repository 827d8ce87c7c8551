import Hummingbird
import VitalsExposition

/// Counts requests and their latency per route for `vitals_server_requests_total` and
/// `vitals_server_request_duration_seconds`; unknown paths share the route `other`, so clients cannot grow the
/// number of series.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let server: VitalsServer

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        let start = ContinuousClock.now
        let path = request.uri.path
        let route = VitalsServer.routes.contains(path) ? path : "other"
        do {
            let response = try await next(request, context)
            record(route, Int(response.status.code), since: start)
            return response
        } catch let error as any HTTPResponseError {
            record(route, Int(error.status.code), since: start)
            throw error
        } catch {
            record(route, 500, since: start)
            throw error
        }
    }

    private func record(_ route: String, _ status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        server.exposition.server.recordRequest(route: route, status: status, seconds: seconds)
    }
}
