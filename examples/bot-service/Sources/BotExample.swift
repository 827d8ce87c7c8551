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

/// The chat and maintenance bot of the original (seed 000) on Vitals: the bot's work timed in-process, its health
/// server with custom checks, the supervisor's thresholds alerting Slack, LLM cost, and the CMMS, chat and
/// knowledge-base monitors. Everything runs in this process, on 127.0.0.1 and a SQLite file.
@main
struct BotExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vitals-example-bot",
        abstract: "Run the simulated bot service on Vitals (see examples/bot-service/README.md)."
    )

    @Option(help: "Messages the bot answers.")
    var messages = 400

    @Option(help: "The seed of the simulated traffic.")
    var seed: UInt64 = 0

    @Flag(help: "The chat API fails one answer in four during the middle third of the messages.")
    var outage = false

    @Option(help: "A Slack incoming webhook for the supervisor's alerts; without it they are logged.")
    var slackURL: String?

    @Option(help: "The SQLite file of the history.")
    var database = "bot-service.db"

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)  // info and above, as swift-log's default
        let logger = Logger(label: "bot")
        var settings = ServerConfiguration()
        settings.host = "127.0.0.1"
        settings.port = 0
        settings.database = database
        // The monitors' attributes that the history keeps as series labels, beside the default keys.
        settings.store.labelKeys += ["action", "coverage"]
        let store = try await SQLiteStore.open(path: database, configuration: settings.store)
        let receiver =
            slackURL.map { ReceiverConfiguration(name: "supervisor", kind: .slack(url: $0)) }
            ?? ReceiverConfiguration(name: "supervisor", kind: .log)
        let alerting = AlertingService(
            configuration: AlertingConfiguration(
                rules: try RuleSet.resolve("supervisor").rules,
                evaluationInterval: .seconds(1),
                defaultWindow: .seconds(3_600),
                route: Route(receiver: "supervisor", groupWaitMilliseconds: 0)
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
        // The original's custom health checks: the database (built in) and the chat API the bot depends on.
        let chatAPI = HealthCheck(name: "chat_api", timeout: .seconds(1)) {}
        let server = VitalsServer(configuration: settings, store: store, extraChecks: [chatAPI], alerting: alerting)
        let running = try await server.start(services: [alerting])
        let port = running.port
        let base = "http://127.0.0.1:\(port)"
        print("vitals: serving the bot's history on \(base) (store: \(database))")

        // The bot records through a collector whose events the exporter sends to the server as they happen.
        var exporting = ExporterConfiguration()
        exporting.push.serverURL = base
        exporting.flushInterval = .milliseconds(200)
        let exporter = VitalsExporter(configuration: exporting)
        var collecting = EventCollector.Configuration()
        collecting.maximumRetainedEvents = 0
        let collector = EventCollector(labels: ["service": "telegram_bot"], configuration: collecting, sink: exporter)
        let export = Task { try await exporter.run() }

        let tracker = PerformanceTracker()
        var bot = SimulatedBot(
            random: SplitMix64(seed: seed),
            outage: outage,
            prices: PriceTable(["claude-haiku-4-5": ModelPrice(input: 1, output: 5)]),
            tracker: tracker,
            logger: logger
        )
        let coverage = withEventCollector(collector) { bot.handle(messages: messages) }
        exporter.receive(.sample(KBMonitor.coverage(coverage, service: "telegram_bot")))
        exporter.stop()
        try await export.value
        print("bot: \(messages) messages answered; \(exporter.statistics.sent) records sent to the server")
        print("\n" + tracker.summary())

        // The supervisor evaluates every second: wait for two evaluations of the data just sent, and for its
        // notification when something fires.
        await alerting.settle()
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        for path in [
            "/health", "/v1/stats?event=request&by=route&window=1h", "/v1/stats?event=work_order&by=action&window=1h",
            "/v1/stats?event=kb_query&by=coverage&window=1h", "/v1/stats?event=llm_call&by=model&window=1h",
        ] {
            let response = try await client.execute(HTTPClientRequest(url: base + path), timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            print("\nGET \(path) → \(response.status.code)\n" + String(buffer: body))
        }
        try? await client.shutdown()
        let alerts = try await alerting.alerts()
        print("\nsupervisor: \(alerts.count) alerts")
        for (alert, _) in alerts {
            print("  \(alert.state) \(alert.severity) \(alert.rule) \(alert.group) value \(alert.valueText)")
        }
        for figures in await alerting.receiverFigures() {
            print("  receiver \(figures.receiver): \(figures.sent) sent, \(figures.failed) failed")
        }
        try await running.stop()
        try await store.close()
    }
}
