import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import VitalsAlerting
import VitalsServer
import VitalsStore

/// `VitalsServer.start()`: a server embedded in a program listens when the call returns and is gone after `stop()`.
@Suite("A server started in the background", .timeLimit(.minutes(2)))
struct RunningServerTests {
    static func status(_ port: Int, _ path: String) async throws -> UInt {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"),
            timeout: .seconds(10)
        )
        return response.status.code
    }

    @Test("listens once start returns; stop ends it, and its services with it; a port in use is an error")
    func startAndStop() async throws {
        let fixture = try await ServerFixture(alertingRules: "rules: []")
        let alerting = try #require(fixture.alerting)
        let running = try await fixture.server.start(services: [alerting])
        #expect(running.port > 0)
        #expect(try await Self.status(running.port, "/health/live") == 200)
        // The alerting service started with the server evaluates at once.
        for _ in 0..<100 where await alerting.metrics().evaluations == 0 {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(await alerting.metrics().evaluations >= 1, "the alerting service ran beside the server")

        // A second server on the same port cannot listen: start throws instead of waiting for ever.
        var settings = fixture.server.configuration
        settings.port = running.port
        let second = VitalsServer(configuration: settings, store: fixture.store)
        await #expect(throws: ServerStartError.self) { _ = try await second.start() }

        try await running.stop()
        // Nothing listens there any more: a new connection is refused.
        #expect(throws: POSIXError.self) { _ = try RawConnection(port: running.port) }
        try await fixture.store.close()
    }
}
