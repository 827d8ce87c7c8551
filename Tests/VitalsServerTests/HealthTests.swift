import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Synchronization
import Testing
import VitalsStore
import VitalsTestSupport

@testable import VitalsServer

@Suite("Health", .timeLimit(.minutes(5)))
struct HealthTests {
    @Test("/health in the original shape, with per-check details; 200 when up")
    func up() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let response = try await client.get("/health")
            #expect(response.status == .ok)
            let json = try response.json
            #expect(json["status"] as? String == "UP")
            #expect((json["checks"] as? [String: String])?["database"] == "UP")
            #expect(json["version"] as? String == VitalsServer.version)
            #expect((json["uptime_seconds"] as? Double ?? -1) >= 0)
            let details = try #require((json["details"] as? [String: [String: Any]])?["database"])
            #expect(details["duration_ms"] is Double)
            #expect(details["error"] == nil)
        }
    }

    @Test("a closed store makes /health and /health/ready 503 with the reason; /health/live stays 200")
    func storeUnavailable() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            try await fixture.store.close()
            let health = try await client.get("/health")
            #expect(health.status == .serviceUnavailable)
            let json = try health.json
            #expect(json["status"] as? String == "DOWN")
            #expect((json["checks"] as? [String: String])?["database"] == "DOWN")
            let error = (json["details"] as? [String: [String: Any]])?["database"]?["error"] as? String
            #expect(error?.contains("closed") == true)
            let ready = try await client.get("/health/ready")
            #expect(ready.status == .serviceUnavailable)
            #expect(try (ready.json["reason"] as? String)?.contains("database") == true)
            #expect(try await client.get("/health/live").status == .ok)
            let ingest = try await client.post("/v1/events", llmCalls(1))
            #expect(ingest.status == .serviceUnavailable)
            #expect(ingest.headers[.retryAfter] != nil)
            let query = try await client.get("/v1/stats?event=llm_call")
            #expect(query.status == .serviceUnavailable)
        }
    }

    @Test("declared checks: a TCP port nobody listens on and an HTTP URL answering 404 are DOWN with errors")
    func declaredChecks() async throws {
        let closedPort = try await Self.unusedPort()
        let fixture = try await ServerFixture {
            $0.healthChecks = [
                HealthCheckDeclaration(
                    name: "gateway",
                    target: .tcp(host: "127.0.0.1", port: closedPort),
                    timeout: .seconds(2)
                ),
                HealthCheckDeclaration(
                    name: "nowhere",
                    target: .http(url: "http://127.0.0.1:\(closedPort)/x"),
                    timeout: .seconds(2)
                ),
            ]
        }
        try await fixture.test { client in
            let response = try await client.get("/health")
            #expect(response.status == .serviceUnavailable)
            let json = try response.json
            #expect(json["checks"] as? [String: String] == ["database": "UP", "gateway": "DOWN", "nowhere": "DOWN"])
            let details = try #require(json["details"] as? [String: [String: Any]])
            #expect(details["gateway"]?["error"] is String)
            // External checks do not take the instance out of the load balancer.
            #expect(try await client.get("/health/ready").status == .ok)
        }
    }

    @Test("a declared check that answers is UP: TCP and HTTP against the server itself")
    func declaredChecksUp() async throws {
        // The server's own port is known only once it listens: check a second server's port instead.
        let other = try await ServerFixture()
        try await other.test(.live) { otherClient in
            let port = try #require(otherClient.port)
            let fixture = try await ServerFixture {
                $0.healthChecks = [
                    HealthCheckDeclaration(name: "tcp", target: .tcp(host: "127.0.0.1", port: port)),
                    HealthCheckDeclaration(name: "http", target: .http(url: "http://127.0.0.1:\(port)/health/live")),
                ]
            }
            try await fixture.test { client in
                let json = try await client.get("/health").json
                #expect(json["checks"] as? [String: String] == ["database": "UP", "tcp": "UP", "http": "UP"])
            }
        }
    }

    @Test("checks registered in code appear beside the database's and decide the status")
    func registeredInCode() async throws {
        let fixture = try await ServerFixture(extraChecks: [
            HealthCheck(name: "queue_consumer") {},
            HealthCheck(name: "llm_budget") { throw HealthProbeError("daily budget spent") },
        ])
        try await fixture.test { client in
            let response = try await client.get("/health")
            #expect(response.status == .serviceUnavailable)
            let json = try response.json
            #expect(
                json["checks"] as? [String: String] == ["database": "UP", "queue_consumer": "UP", "llm_budget": "DOWN"]
            )
            let details = try #require(json["details"] as? [String: [String: Any]])
            #expect(details["llm_budget"]?["error"] as? String == "daily budget spent")
        }
    }

    @Test("a check slower than its timeout is DOWN, and results are cached for the configured time")
    func timeoutAndCache() async throws {
        let calls = Counter()
        let monitor = HealthMonitor(
            checks: [
                HealthCheck(name: "slow", timeout: .milliseconds(50)) {
                    calls.increment()
                    try await Task.sleep(for: .seconds(10))
                }
            ],
            cacheDuration: .seconds(60)
        )
        let first = await monitor.report()
        #expect(!first.up)
        #expect(first.result("slow")?.error?.contains("timed out") == true)
        _ = await monitor.report()
        _ = await monitor.report()
        #expect(calls.value == 1)
    }

    @Test("a probe that ignores cancellation still answers DOWN at its timeout")
    func stuckProbe() async throws {
        let gate = Gate()
        let monitor = HealthMonitor(
            checks: [
                HealthCheck(name: "stuck", timeout: .milliseconds(50)) {
                    // Waits without looking at cancellation, like a driver call on a dead connection. (Not by
                    // blocking a thread: that starved the two-thread pool the other tests share.)
                    await gate.wait()
                }
            ],
            cacheDuration: .seconds(60)
        )
        let report = await monitor.report()
        #expect(report.result("stuck")?.up == false)
        #expect(report.result("stuck")?.error?.contains("timed out") == true)
        gate.open()
    }

    @Test("a check that answers before its timeout leaves no timer task behind")
    func noTimerLeftBehind() async throws {
        weak var watched: TaskMarker?
        do {
            let marker = TaskMarker()
            watched = marker
            await TaskMarker.$current.withValue(marker) {
                let monitor = HealthMonitor(
                    checks: [HealthCheck(name: "fast", timeout: .seconds(3_600)) {}],
                    cacheDuration: .zero
                )
                #expect(await monitor.report().up)
            }
        }
        // Every task started under the marker holds it; a timer left sleeping would hold it for an hour.
        for _ in 0..<3_000 where watched != nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(watched == nil)
    }

    @Test("shutdown: readiness turns 503 while ingest and queries still answer")
    func readinessOnShutdown() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            #expect(try await client.get("/health/ready").status == .ok)
            fixture.server.beginShutdown()
            let ready = try await client.get("/health/ready")
            #expect(ready.status == .serviceUnavailable)
            #expect(try ready.json["reason"] as? String == "shutting down")
            #expect(try await client.get("/health/live").status == .ok)
            #expect(try await client.get("/v1/stats?event=llm_call").status == .ok)
            #expect(try await client.post("/v1/events", llmCalls(2)).status == .ok)
        }
    }

    static func unusedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 1
        try await channel.close()
        return port
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// A task-local value that every task started while it is bound inherits and keeps alive until it ends.
private final class TaskMarker: Sendable {
    @TaskLocal static var current: TaskMarker?
}
