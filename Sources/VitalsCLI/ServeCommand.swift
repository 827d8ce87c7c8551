import ArgumentParser
import CVitalsShims
import Foundation
import Logging
import ServiceLifecycle
import VitalsAlerting
import VitalsHTTPClient
import VitalsServer
import VitalsStore

/// `vitals serve`: the server — ingest, query API, `/metrics`, `/health` — on a SQLite file or PostgreSQL.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Vitals server: ingest, query API, Prometheus /metrics and /health.",
        discussion: """
            Settings come from the defaults, then --config FILE (YAML, see docs/server.md), then the environment \
            (VITALS_HOST, VITALS_PORT or HEALTH_SERVER_PORT, VITALS_DATABASE, METRICS_RETENTION_DAYS, \
            VITALS_MAX_BODY_BYTES, VITALS_INGEST_QUEUE, VITALS_TOKEN), then these flags.

            SIGTERM or SIGINT: readiness turns false, requests in flight finish, the store is flushed and \
            closed, and the exit status is 0. Exit status 2: a bad configuration or a database that cannot be \
            opened.
            """
    )

    @Option(help: "A YAML configuration file.")
    var config: String?

    @Option(help: "Interface to listen on (default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free port (default 8080).")
    var port: Int?

    @Option(help: "The store: a SQLite file path or a postgres:// URL (default ./vitals.db).")
    var database: String?

    @Flag(help: "Feed the server from a built-in simulated agent fleet, so that there is live data at once.")
    var demo = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        var configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.load(file: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CommandSupport.badInput("serve", "\(error)")
        }
        if let host { configuration.host = host }
        if let port {
            guard (0...65_535).contains(port) else {
                throw CommandSupport.badInput("serve", "--port \(port): expected a number from 0 to 65535")
            }
            configuration.port = port
        }
        if let database { configuration.database = database }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw CommandSupport.badInput(
                "serve",
                "--log-level \(logLevel): expected trace, debug, info, notice, warning, error or critical"
            )
        }
        var logger = Logger(label: "vitals")
        logger.logLevel = level
        Self.limitHeapRetention()
        let settings = configuration
        let showDemo = demo
        do {
            try await StoreOpening.withStore(settings.database, storeConfiguration: settings.store) { store in
                let alerting = try settings.alerting.map { alerting in
                    AlertingService(
                        configuration: AlertingConfiguration(
                            rules: alerting.rules,
                            evaluationInterval: alerting.evaluationInterval,
                            externalURL: alerting.externalURL ?? "http://\(settings.host):\(settings.port)",
                            route: alerting.route,
                            inhibitRules: alerting.inhibitRules
                        ),
                        store: store,
                        state: store,
                        sink: try NotificationDelivery(
                            receivers: alerting.receivers,
                            store: store,
                            transport: AsyncHTTPNotificationTransport(),
                            logger: logger
                        ),
                        logger: logger
                    )
                }
                let server = VitalsServer(
                    configuration: settings,
                    store: store,
                    httpProber: AsyncHTTPProber(),
                    alerting: alerting,
                    logger: logger
                )
                let display = ImportCommand.displayName(settings.database)
                var services: [any Service] = showDemo ? [DemoFeed(server: server, logger: logger)] : []
                if let alerting { services.append(alerting) }
                try await server.run(services: services) { port in
                    let line = "vitals serve: listening on http://\(settings.host):\(port) (store: \(display))\n"
                    FileHandle.standardOutput.write(Data(line.utf8))
                }
                logger.info("stopped; flushing and closing the store")
            }
        } catch {
            throw CommandSupport.badInput("serve", "\(error)")
        }
    }

    /// Ingest decodes bodies of megabytes on several threads; with glibc's defaults the freed blocks stay in
    /// the heap, fragmented across arenas, and resident memory climbs to twice what ingest really holds.
    /// Large blocks go back to the system instead, unless the operator chose with the `MALLOC_*` variables.
    static func limitHeapRetention() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["MALLOC_MMAP_THRESHOLD_"] == nil, environment["MALLOC_ARENA_MAX"] == nil else { return }
        _ = vitals_limit_heap_retention(1 << 20, 2)
    }
}
