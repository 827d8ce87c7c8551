public import Hummingbird
public import Logging
import Synchronization
import Vitals
public import VitalsAlerting
import VitalsDashboard
public import VitalsExposition
public import VitalsStore

/// The server of `vitals serve`: ingest, the query API, `/metrics` and `/health` over one ``MetricStore``.
///
/// ```swift
/// let store = try await SQLiteStore.open(path: "vitals.db")
/// let server = VitalsServer(configuration: configuration, store: store, logger: logger)
/// try await server.run()          // until SIGTERM or SIGINT; then close the store
/// try await store.close()
/// ```
///
/// The store stays the caller's: the server never closes it, so that the caller can flush and close it after
/// the last request has finished.
public final class VitalsServer: Sendable {
    /// The version reported by `/health`.
    public static let version = "0.1.0"

    public let configuration: ServerConfiguration
    public let store: any MetricStore
    public let logger: Logger
    /// The `/metrics` registry every accepted batch is recorded into.
    public let exposition: ExpositionRegistry
    let health: HealthMonitor
    let gate: IngestGate
    /// Ingest memory: `ingest_queue × max_body_bytes` bytes for bodies, decoded records and prepared batches.
    let ingestBudget: IngestBudget
    let verifier: TokenVerifier
    /// The dashboard's browser sessions (`POST /login`), used only when tokens are configured.
    let sessions: BrowserSessions
    let startedAt = ContinuousClock.now
    /// The watcher, when alerting is configured: the alert, silence and rule routes answer through it.
    let alerting: AlertingService?
    private let shuttingDown = Atomic<Bool>(false)
    /// Live streams open now (`GET /v1/stream`), at most `configuration.maxStreams`.
    let openStreams = Atomic<Int>(0)
    /// Counts committed batches and alert actions: a live stream sends an update when it changes, and an open page
    /// then fetches its content again.
    let changeGeneration = Atomic<UInt64>(0)
    /// The live streams' overview, computed once per window and change for all of them.
    let sharedOverviews = SharedAnswers<DashboardWindow, OverviewData>()
    /// The pages' HTML by address, computed once per change for every open page that refreshes.
    let sharedPages = SharedAnswers<String, String>()

    /// Creates a server over an open store.
    ///
    /// - Parameters:
    ///   - configuration: Where to listen, limits, tokens, health checks.
    ///   - store: The store; the caller closes it after ``run(onListening:)`` returns.
    ///   - extraChecks: Health checks registered in code, beside the database's and the configured ones.
    ///   - httpProber: What answers the configured `http:` health checks (`VitalsHTTPClient` has one); without
    ///     it those checks report that no prober is wired.
    ///   - alerting: The watcher whose alerts, silences and rules the API serves (the caller runs it).
    ///   - logger: Where the server logs.
    public init(
        configuration: ServerConfiguration,
        store: any MetricStore,
        extraChecks: [HealthCheck] = [],
        httpProber: (any HTTPProber)? = nil,
        alerting: AlertingService? = nil,
        logger: Logger = Logger(label: "vitals.server")
    ) {
        self.alerting = alerting
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.exposition = ExpositionRegistry(
            labelKeys: configuration.store.labelKeys,
            seriesLimit: configuration.metricsSeriesLimit
        )
        let checks =
            [HealthCheck.database(store)]
            + configuration.healthChecks.map { HealthCheck.declared($0, prober: httpProber) } + extraChecks
        self.health = HealthMonitor(checks: checks, cacheDuration: configuration.healthCacheDuration)
        self.gate = IngestGate(capacity: configuration.ingestQueue)
        let (budget, overflow) = configuration.ingestQueue.multipliedReportingOverflow(by: configuration.maxBodyBytes)
        // At least one largest body and its decoded form fit, whatever the settings.
        let largest = (1 + Self.otlpProcessingFactor) * configuration.maxBodyBytes
        self.ingestBudget = IngestBudget(capacity: max(largest, overflow ? .max / 4 : budget))
        self.verifier = TokenVerifier(configuration.tokens)
        self.sessions = BrowserSessions(verifier: verifier)
    }

    /// The paths the server answers (documented in `openapi.yaml`; a test keeps the two equal).
    public static let routes: Set<String> = [
        "/v1/events", "/v1/traces", "/v1/stats", "/v1/timeseries", "/v1/series", "/v1/report", "/metrics", "/health",
        "/health/live", "/health/ready", "/v1/alerts", "/v1/alerts/{fingerprint}/ack", "/v1/silences",
        "/v1/silences/{id}", "/v1/rules", "/v1/stream",
    ]

    /// The dashboard's pages (HTML, not part of the JSON API).
    public static let dashboardRoutes: Set<String> = ["/", "/operations", "/operations/{name}", "/alerts"]

    /// Whether graceful shutdown has begun (readiness answers 503 from then on).
    public var isShuttingDown: Bool { shuttingDown.load(ordering: .acquiring) }

    /// Marks the server as shutting down: `/health/ready` answers 503 while requests in flight finish.
    public func beginShutdown() {
        shuttingDown.store(true, ordering: .releasing)
    }

    /// Seconds since the server was created.
    var uptimeSeconds: Double {
        let elapsed = ContinuousClock.now - startedAt
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// The routes, behind the access middleware.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(server: self))
        router.add(middleware: AccessMiddleware(verifier: verifier, sessions: sessions))
        addIngestRoutes(to: router)
        addTraceRoutes(to: router)
        addQueryRoutes(to: router)
        addAlertRoutes(to: router)
        addHealthRoutes(to: router)
        addMetricsRoutes(to: router)
        addDashboardRoutes(to: router)
        addLoginRoutes(to: router)
        return router
    }
}
