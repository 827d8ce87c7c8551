import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Vitals
import VitalsPush
import VitalsSQLite
import VitalsServer
import VitalsStore

/// The exporter end to end: a collector's streamed LLM calls and a gauge sample go through `VitalsExporter` into a
/// `vitals serve` application on 127.0.0.1 while the worker runs, and are read back from the query API.
@Suite("exporter into a live server", .timeLimit(.minutes(2)))
struct ExporterLiveTests {
    @Test("events recorded in-process reach the server while the exporter runs; stopping sends the rest")
    func exportsWhileRunning() async throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("vitals-exporter-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.database = folder + "/vitals.db"
        let store = try await SQLiteStore.open(path: configuration.database, configuration: configuration.store)
        let server = VitalsServer(configuration: configuration, store: store)
        try await server.makeApplication().test(.live) { client in
            var settings = ExporterConfiguration()
            settings.push.serverURL = "http://127.0.0.1:\(try #require(client.port))"
            settings.push.batchSize = 10
            settings.flushInterval = .milliseconds(100)
            let exporter = VitalsExporter(configuration: settings)
            var collectorSettings = EventCollector.Configuration()
            collectorSettings.maximumRetainedEvents = 0
            let collector = EventCollector(
                labels: ["service": "triage-bot"],
                configuration: collectorSettings,
                sink: exporter
            )
            let run = Task { try await exporter.run() }
            await withEventCollector(collector) {
                for call in 0..<25 {
                    await measureLLMStream(model: "gpt-5-mini") { probe in
                        for _ in 0..<4 { probe.chunk(tokens: 5) }
                        return call
                    }
                }
            }
            exporter.receive(.sample(Sample(name: "queue_depth", value: 4, labels: ["service": "triage-bot"])))
            // 20 of the 25 calls went as two full batches; the rest goes within a flush interval, unasked.
            var counted = 0
            for _ in 0..<300 where counted < 25 {
                try await Task.sleep(for: .milliseconds(20))
                let stats = try await Self.json(client, "/v1/stats?event=llm_call&by=service,model")
                counted = (stats["series"] as? [[String: Any]])?.first?["count"] as? Int ?? 0
            }
            #expect(counted == 25)
            exporter.stop()
            try await run.value
            #expect(exporter.statistics.sent == 26)
            #expect(exporter.statistics.dropped == 0 && exporter.statistics.lost == 0)
            #expect(collector.events.isEmpty, "an export-only collector keeps no raw events")

            let events = try await Self.json(client, "/v1/events?event=llm_call&limit=1")
            let event = try #require((events["events"] as? [[String: Any]])?.first)
            #expect(event["chunks"] as? Int == 4)
            #expect(event["completion_tokens"] as? Int == 20)
            #expect(event["ttft_ms"] is Double)
            let depth = try await Self.json(client, "/v1/stats?metric=queue_depth")
            #expect((depth["series"] as? [[String: Any]])?.first?["last"] as? Double == 4)
        }
        try await store.close()
    }

    static func json(_ client: any TestClientProtocol, _ uri: String) async throws -> [String: Any] {
        let response = try await client.execute(uri: uri, method: .get, headers: [:], body: nil)
        #expect(response.status == .ok)
        let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
        return try #require(object as? [String: Any])
    }
}
