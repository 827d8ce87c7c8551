import Hummingbird
import Vitals

extension VitalsServer {
    func addHealthRoutes(to router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in await self.healthResponse() }
        router.get("/health/live") { _, _ in
            var json = JSONWriter()
            json.beginObject()
            json.string("status", "UP")
            json.number("uptime_seconds", self.uptimeSeconds)
            json.endObject()
            return Response.json(json.bytes)
        }
        router.get("/health/ready") { _, _ in await self.readinessResponse() }
    }

    /// `{"status":"UP","checks":{"database":"UP",…},"uptime_seconds":…,"version":"…","details":{…}}` — the original
    /// shape, plus each check's duration and error under `details`. 200 when every check is up, else 503.
    func healthResponse() async -> Response {
        let report = await health.report()
        var json = JSONWriter()
        json.beginObject()
        json.string("status", report.up ? "UP" : "DOWN")
        json.beginObject("checks")
        for (name, result) in report.checks { json.string(name, result.up ? "UP" : "DOWN") }
        json.endObject()
        json.number("uptime_seconds", uptimeSeconds)
        json.string("version", Self.version)
        json.beginObject("details")
        for (name, result) in report.checks {
            json.beginObject(name)
            json.string("status", result.up ? "UP" : "DOWN")
            json.number("duration_ms", result.milliseconds)
            if let error = result.error { json.string("error", error) }
            json.endObject()
        }
        json.endObject()
        json.endObject()
        return .json(json.bytes, status: report.up ? .ok : .serviceUnavailable, headers: [.cacheControl: "no-store"])
    }

    /// Ready when the store answers and the server is not shutting down. External checks do not count: a
    /// dependency's outage should not take every replica out of the load balancer.
    func readinessResponse() async -> Response {
        let report = await health.report()
        let database = report.result("database")
        var reasons: [String] = []
        if isShuttingDown { reasons.append("shutting down") }
        if let database, !database.up { reasons.append("database: \(database.error ?? "down")") }
        var json = JSONWriter()
        json.beginObject()
        json.string("status", reasons.isEmpty ? "UP" : "DOWN")
        if !reasons.isEmpty { json.string("reason", reasons.joined(separator: "; ")) }
        json.endObject()
        return .json(
            json.bytes,
            status: reasons.isEmpty ? .ok : .serviceUnavailable,
            headers: [.cacheControl: "no-store"]
        )
    }
}
