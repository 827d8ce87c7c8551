import CoreMetrics
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing
import Tracing
import Vitals
import VitalsIntegrations
import VitalsPush
import VitalsSQLite
import VitalsServer
import VitalsStore

/// The three doors end to end: what a worker records through swift-metrics, swift-distributed-tracing and swift-log
/// is written as JSONL files (the collector's `metrics.jsonl`, the backend's gauge samples, the handler's JSON
/// lines), sent with `vitals push`'s client to a `vitals serve` application listening on 127.0.0.1, and read back
/// from `/v1/stats`.
@Suite("integrations against a live server", .timeLimit(.minutes(5)))
struct LiveServerTests {
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        var output: LogLineOutput { .custom { line in self.lines.withLock { $0.append(line) } } }
    }

    @Test("timer, GenAI span, counter, gauge and JSON log line are pushed and queried back")
    func pushAndQuery() async throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("vitals-integrations-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let collector = EventCollector(workerID: "w-live", directory: folder)
        let factory = VitalsMetricsFactory()
        let tracer = VitalsTracer()
        let lines = Lines()
        let logger = Logger(label: "worker") { label in
            VitalsLogHandler(label: label, format: .json, output: lines.output, metadataProvider: nil)
        }
        withEventCollector(collector) {
            withMetricsFactory(factory) {
                CoreMetrics.Timer(label: "tool_call", dimensions: [("tool", "ssh_exec")]).recordMilliseconds(1111)
                CoreMetrics.Timer(label: "tool_call", dimensions: [("tool", "ssh_exec")]).recordMilliseconds(9)
                Counter(label: "jobs_completed", dimensions: [("agent_id", "A1")]).increment(by: 3)
                Gauge(label: "queue_depth", dimensions: [("agent_id", "A1")]).record(5)
            }
            tracer.withSpan("chat gpt-5-mini") { span in
                span.attributes["gen_ai.operation.name"] = "chat"
                span.attributes["gen_ai.request.model"] = "gpt-5-mini"
                span.attributes["gen_ai.usage.input_tokens"] = 1234
                span.attributes["gen_ai.usage.output_tokens"] = 89
                logger.info("route_query", metadata: ["route": "kb", "duration_ms": "12"])
            }
        }
        #expect(collector.flush())
        let samplesPath = folder + "/samples.jsonl"
        let samples = factory.samples().map { JSONLEncoder().encode(.sample($0)) }.joined(separator: "\n")
        try (samples + "\n").write(toFile: samplesPath, atomically: true, encoding: .utf8)
        let logPath = folder + "/worker.log.jsonl"
        try (lines.all.joined(separator: "\n") + "\n").write(toFile: logPath, atomically: true, encoding: .utf8)

        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.database = folder + "/vitals.db"
        let store = try await SQLiteStore.open(path: configuration.database, configuration: configuration.store)
        let server = VitalsServer(configuration: configuration, store: store)
        try await server.makeApplication().test(.live) { client in
            var push = PushConfiguration()
            push.serverURL = "http://127.0.0.1:\(try #require(client.port))"
            let report = try await PushClient(configuration: push)
                .push(files: [folder + "/metrics.jsonl", samplesPath, logPath])
            #expect(report.accepted == 6)
            #expect(report.rejectedCount == 0)

            let tools = try await Self.series(client, "/v1/stats?event=tool_call&by=tool,worker_id")
            #expect(tools.count == 1)
            #expect(tools.first?["count"] as? Int == 2)
            #expect(tools.first?["max_ms"] as? Double == 1111)
            #expect(tools.first?["labels"] as? [String: String] == ["tool": "ssh_exec", "worker_id": "w-live"])

            let calls = try await Self.series(client, "/v1/stats?event=llm_call&by=model")
            #expect(calls.first?["labels"] as? [String: String] == ["model": "gpt-5-mini"])
            #expect((calls.first?["sums"] as? [String: Double])?["prompt_tokens"] == 1234)

            let routes = try await Self.series(client, "/v1/stats?event=route_query&by=route,worker_id")
            #expect(routes.first?["count"] as? Int == 1)
            #expect(routes.first?["max_ms"] as? Double == 12)
            #expect(routes.first?["labels"] as? [String: String] == ["route": "kb", "worker_id": "w-live"])

            let depth = try await Self.series(client, "/v1/stats?metric=queue_depth")
            #expect(depth.first?["last"] as? Double == 5)
            let jobs = try await Self.series(client, "/v1/stats?metric=jobs_completed")
            #expect(jobs.first?["last"] as? Double == 3)
        }
        try await store.close()
    }

    static func series(_ client: any TestClientProtocol, _ uri: String) async throws -> [[String: Any]] {
        let response = try await client.execute(uri: uri, method: .get, headers: [:], body: nil)
        #expect(response.status == .ok)
        let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
        let json = try #require(object as? [String: Any])
        return try #require(json["series"] as? [[String: Any]], "\(json)")
    }
}
