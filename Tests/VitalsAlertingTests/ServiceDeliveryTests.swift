import Foundation
import Testing
import Vitals
import VitalsAlerting
import VitalsHTTPClient
import VitalsHTTPTestSupport
import VitalsSQLite
import VitalsStore
import VitalsTestSupport

/// The alerting service's notifications through the delivery to a real webhook, with a SQLite store holding both
/// the alerts and the outbox.
@Suite("Alerting service through the delivery", .timeLimit(.minutes(1)))
struct ServiceDeliveryTests {
    @Test("violating data reaches a webhook as Alertmanager's payload, firing then resolved, once each")
    func endToEnd() async throws {
        let directory = NSTemporaryDirectory() + "vitals-delivery-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await SQLiteStore.open(path: directory + "/vitals.db")
        let server = HTTPReceiver()
        let clock = AlertingServiceTests.Clock(Timestamp.now())

        try await server.serve { port in
            let delivery = try NotificationDelivery(
                receivers: [ReceiverConfiguration(name: "ops", kind: .webhook(url: "http://127.0.0.1:\(port)/hook"))],
                store: store,
                transport: AsyncHTTPNotificationTransport(),
                configuration: Fixtures.fastDelivery,
                logger: LogCapture().logger()
            )
            let service = AlertingService(
                configuration: AlertingServiceTests.configuration(),
                store: store,
                state: store,
                sink: delivery,
                now: { clock.now }
            )
            try await whileRunning(delivery) {
                _ = try await store.ingest(
                    AlertingServiceTests.tasks(
                        agent: "a1",
                        failed: 3,
                        of: 10,
                        at: clock.now.adding(milliseconds: -1_000)
                    )
                )
                await service.tick()
                clock.advance(seconds: 60)
                await service.tick()
                try await eventually("firing delivered") { delivery.statistics(of: "ops")?.sent == 1 }

                clock.advance(seconds: 300)
                await service.tick()
                try await eventually("resolved delivered") { delivery.statistics(of: "ops")?.sent == 2 }
                let figures = await service.receiverFigures()
                #expect(
                    figures == [
                        ReceiverFigures(
                            receiver: "ops",
                            sent: 2,
                            failed: 0,
                            heldBack: 0,
                            dropped: 0,
                            breakerOpen: false
                        )
                    ]
                )
            }
        }
        let payloads = try server.requests.map { try $0.json() }
        #expect(payloads.map { $0["status"] as? String } == ["firing", "resolved"])
        #expect(payloads.allSatisfy { $0["version"] as? String == "4" && $0["receiver"] as? String == "ops" })
        #expect(payloads.first?["groupLabels"] as? [String: String] == ["alertname": "agent-errors", "agent_id": "a1"])
        let resolved = try #require((payloads.last?["alerts"] as? [[String: Any]])?.first)
        #expect(resolved["endsAt"] as? String != "0001-01-01T00:00:00Z")
        #expect(try await store.loadState(kind: "outbox").isEmpty)
        #expect(try await store.loadState(kind: "sent").count == 2)
    }
}
