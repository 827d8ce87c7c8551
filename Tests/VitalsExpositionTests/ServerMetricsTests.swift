import Foundation
import Testing
import VitalsExposition

@Suite("Server metrics")
struct ServerMetricsTests {
    @Test("ingest batches, lines, store latency and queue depth appear")
    func ingest() {
        let registry = ExpositionRegistry()
        registry.server.recordIngest(accepted: 100, rejected: 2, storeSeconds: 0.003)
        registry.server.recordIngest(accepted: 50, rejected: 0, storeSeconds: 0.2)
        registry.server.setQueueDepth(7)
        let parsed = registry.parsed()
        #expect(parsed.value("vitals_server_ingested_events_total") == 150)
        #expect(parsed.value("vitals_server_rejected_lines_total") == 2)
        #expect(parsed.value("vitals_server_ingest_batches_total") == 2)
        #expect(parsed.value("vitals_server_ingest_queue_depth") == 7)
        #expect(parsed.value("vitals_server_store_seconds_bucket", ["le": "0.005"]) == 1)
        #expect(parsed.value("vitals_server_store_seconds_bucket", ["le": "0.25"]) == 2)
        #expect(parsed.value("vitals_server_store_seconds_count") == 2)
        #expect(abs((parsed.value("vitals_server_store_seconds_sum") ?? 0) - 0.203) < 1e-12)
    }

    @Test("requests by route and status, durations by route")
    func requests() {
        let registry = ExpositionRegistry()
        registry.server.recordRequest(route: "/v1/events", status: 200, seconds: 0.002)
        registry.server.recordRequest(route: "/v1/events", status: 200, seconds: 0.004)
        registry.server.recordRequest(route: "/v1/events", status: 413, seconds: 0.001)
        registry.server.recordRequest(route: "/metrics", status: 200, seconds: 0.0005)
        let parsed = registry.parsed()
        #expect(parsed.value("vitals_server_requests_total", ["route": "/v1/events", "status": "200"]) == 2)
        #expect(parsed.value("vitals_server_requests_total", ["route": "/v1/events", "status": "413"]) == 1)
        #expect(parsed.value("vitals_server_requests_total", ["route": "/metrics", "status": "200"]) == 1)
        #expect(parsed.value("vitals_server_request_duration_seconds_count", ["route": "/v1/events"]) == 3)
        #expect(
            parsed.value("vitals_server_request_duration_seconds_bucket", ["route": "/metrics", "le": "0.0005"]) == 1
        )
        #expect(parsed.samples("vitals_server_request_duration_seconds_sum").count == 2)
    }

    @Test("unbounded routes fold into an overflow series")
    func routeOverflow() {
        let registry = ExpositionRegistry()
        for path in 0..<500 {
            registry.server.recordRequest(route: "/scan/\(path)", status: 404, seconds: 0.001)
        }
        let parsed = registry.parsed()
        let requests = parsed.samples("vitals_server_requests_total")
        #expect(requests.count < 500)
        #expect(requests.reduce(0) { $0 + $1.value } == 500)
        #expect(parsed.value("vitals_server_requests_total", ["overflow": "true"]) ?? 0 > 0)
        #expect(parsed.samples("vitals_server_request_duration_seconds_count").reduce(0) { $0 + $1.value } == 500)
    }

    @Test("process metrics are read from this process")
    func process() throws {
        let parsed = ExpositionRegistry().parsed()
        let resident = try #require(parsed.value("process_resident_memory_bytes"))
        #expect(resident > 1_000_000)
        let start = try #require(parsed.value("process_start_time_seconds"))
        let now = Date().timeIntervalSince1970
        #expect(start <= now + 1)
        #expect(start > now - 86_400 * 365)
        #expect(try #require(parsed.value("process_cpu_seconds_total")) > 0)
    }
}
