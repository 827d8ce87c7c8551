import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Vitals
import VitalsAlerting
import VitalsHTTPClient
import VitalsPush
import VitalsRules
import VitalsSQLite
import VitalsServer
import VitalsStore

/// The MCP tool server's monitoring of the original (seed 004) on Vitals: tools in four latency tiers, provider
/// timeouts enforced with `withTimeout`, the auditor's batching and reconnection (the in-process exporter), the
/// `tool-tiers` rules alerting a webhook, and the dashboard's tools view. Everything runs in this process, on
/// 127.0.0.1 and a SQLite file.
@main
struct MCPToolsExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vitals-example-mcp-tools",
        abstract: "Run the simulated MCP tool server on Vitals (see examples/mcp-tools/README.md)."
    )

    @Option(help: "Tool calls to make.")
    var calls = 600

    @Option(help: "The seed of the simulated calls.")
    var seed: UInt64 = 4

    @Flag(help: "No tool misbehaves (no tier-1 I/O, every timeout enforced).")
    var healthy = false

    @Flag(help: "The server goes away for the middle third of the calls and comes back on the same port.")
    var outage = false

    @Option(help: "Provider calls and their timeouts run this many times faster than in production.")
    var timeScale = 100.0

    @Option(help: "A webhook for the tool-tiers alerts (Alertmanager's payload); without it they are logged.")
    var webhookURL: String?

    @Option(help: "The SQLite file of the history.")
    var database = "mcp-tools.db"

    @Option(help: "Write the tool calls as JSONL to this file: a baseline for `vitals compare`.")
    var baseline: String?

    @Option(help: "Keep serving this many seconds at the end, to look at the dashboard's /tools page.")
    var keepServing = 0

    func validate() throws {
        guard calls > 0, calls <= 1_000_000 else { throw ValidationError("--calls: expected 1 to 1000000") }
        guard timeScale >= 1, timeScale <= 10_000 else { throw ValidationError("--time-scale: expected 1 to 10000") }
        guard (0...86_400).contains(keepServing) else { throw ValidationError("--keep-serving: expected 0 to 86400") }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)  // info and above, as swift-log's default
        let logger = Logger(label: "mcp")
        // The original's variables: GLM_SESSION_TIMEOUT=30, KIMI_SESSION_TIMEOUT=25, AI_AUDITOR_BATCH_SIZE=10.
        var timeouts = TimeoutPolicy(default: .seconds(60), providers: ["glm": .seconds(30), "kimi": .seconds(25)])
        try timeouts.apply(environment: ProcessInfo.processInfo.environment)
        let batchSize = Int(ProcessInfo.processInfo.environment["AI_AUDITOR_BATCH_SIZE"] ?? "") ?? 10
        guard (1...10_000).contains(batchSize) else {
            throw ValidationError("AI_AUDITOR_BATCH_SIZE: expected 1 to 10000")
        }

        var settings = ServerConfiguration()
        settings.host = "127.0.0.1"
        settings.port = 0
        settings.database = database
        let store = try await SQLiteStore.open(path: database, configuration: settings.store)
        let alerting = try makeAlerting(store: store, logger: logger)
        let watching = Task { try await alerting.run() }
        var server = try await VitalsServer(configuration: settings, store: store, alerting: alerting).start()
        let base = "http://127.0.0.1:\(server.port)"
        print("vitals: serving the tool server's history on \(base) (store: \(database))")

        // The auditor's batching: the exporter sends batches of AI_AUDITOR_BATCH_SIZE, and what the server cannot
        // take stays queued and is sent again with exponential backoff (full jitter) until it is back.
        var exporting = ExporterConfiguration()
        exporting.push.serverURL = base
        exporting.push.batchSize = batchSize
        exporting.push.retry = PushRetryPolicy(baseDelay: .milliseconds(100), maximumDelay: .seconds(2))
        exporting.flushInterval = .milliseconds(200)
        let exporter = VitalsExporter(configuration: exporting)
        let export = Task { try await exporter.run() }
        var collecting = EventCollector.Configuration()
        collecting.maximumRetainedEvents = baseline == nil ? 0 : calls * 2
        let collector = EventCollector(labels: ["service": "mcp-server"], configuration: collecting, sink: exporter)

        let plan = CallPlan(calls: calls, seed: seed, healthy: healthy)
        let thirds = [0..<calls / 3, calls / 3..<2 * calls / 3, 2 * calls / 3..<calls]
        var timedOut = 0
        for (phase, range) in thirds.enumerated() {
            if outage, phase == 1 {
                try await server.stop()
                print("outage: the server is down; the exporter keeps the records and retries")
            }
            timedOut += await withEventCollector(collector) {
                await plan.run(range, timeouts: timeouts, timeScale: timeScale)
            }
            if outage, phase == 1 {
                try await Task.sleep(for: .seconds(1.5))
                settings.port = server.port
                server = try await VitalsServer(configuration: settings, store: store, alerting: alerting).start()
                print("outage: the server is back on \(base)")
            }
        }
        exporter.stop()
        try await export.value
        let figures = exporter.statistics
        print(
            "mcp: \(calls) tool calls, \(plan.providerCalls) provider calls (\(timedOut) cut off by their timeout, "
                + "\(plan.pastTheirTimeout(timeouts)) planned past it); "
                + "exporter: \(figures.recorded) records, \(figures.sent) sent in batches of \(batchSize), "
                + "\(figures.retries) retries, \(figures.dropped) dropped"
        )
        if let baseline { try writeBaseline(collector.events, to: baseline) }

        await alerting.settle()
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        for path in [
            "/v1/stats?event=tool_call&window=1h", "/v1/stats?event=tool_call&by=tier&window=1h",
            "/v1/stats?event=llm_call&by=provider&window=1h",
        ] {
            let response = try await client.execute(HTTPClientRequest(url: base + path), timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            print("\nGET \(path) → \(response.status.code)\n" + String(buffer: body))
        }
        // The dashboard's tools view, as a browser gets it: the observations and their Acknowledge buttons.
        let page = try await client.execute(
            HTTPClientRequest(url: base + "/tools?window=1h&category=timeout"),
            timeout: .seconds(10)
        )
        let html = String(buffer: try await page.body.collect(upTo: 4 << 20))
        let debugRow = html.components(separatedBy: "<tr").first { $0.contains(">debug<") }
        print(
            "\nGET /tools?window=1h&category=timeout → \(page.status.code): "
                + "\(html.components(separatedBy: "data-ack=").count - 1) Acknowledge buttons, "
                + "debug \(debugRow?.contains("✗ fail") == true ? "failing" : "not failing")"
        )
        try? await client.shutdown()
        let alerts = try await alerting.alerts()
        print("\nauditor: \(alerts.count) alerts")
        for (alert, _) in alerts.sorted(by: { $0.alert.rule < $1.alert.rule }) {
            print("  \(alert.state) \(alert.severity) \(alert.rule) \(alert.group) value \(alert.valueText)")
        }
        for receiver in await alerting.receiverFigures() {
            print("  receiver \(receiver.receiver): \(receiver.sent) sent, \(receiver.failed) failed")
        }
        if keepServing > 0 {
            print("\ndashboard: \(base)/tools (serving for \(keepServing) s)")
            try await Task.sleep(for: .seconds(keepServing))
        }
        try await server.stop()
        watching.cancel()
        _ = try? await watching.value
        try await store.close()
    }

    /// The `tool-tiers` pack evaluated every second over the last hour; its alerts go to the webhook, or the log.
    private func makeAlerting(store: BucketMetricStore, logger: Logger) throws -> AlertingService {
        let receiver =
            webhookURL.map { ReceiverConfiguration(name: "auditor", kind: .webhook(url: $0)) }
            ?? ReceiverConfiguration(name: "auditor", kind: .log)
        return AlertingService(
            configuration: AlertingConfiguration(
                rules: try RuleSet.resolve("tool-tiers").rules,
                evaluationInterval: .seconds(1),
                defaultWindow: .seconds(3_600),
                route: Route(receiver: "auditor", groupWaitMilliseconds: 0)
            ),
            store: store,
            state: store,
            sink: try NotificationDelivery(
                receivers: [receiver],
                store: store,
                transport: AsyncHTTPNotificationTransport(),
                logger: logger
            ),
            logger: logger
        )
    }

    private func writeBaseline(_ events: [Event], to path: String) throws {
        let lines = events.filter { $0.name == "tool_call" }.map { JSONLEncoder().encode(.event($0)) + "\n" }
        try lines.joined().write(toFile: path, atomically: true, encoding: .utf8)
        print("baseline: \(lines.count) tool calls written to \(path)")
    }
}
