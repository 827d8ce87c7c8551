import NIOCore
import NIOPosix
import Vitals
import VitalsStore

/// A component check of `/health`: a name, a timeout and a probe that throws when the component is down.
///
/// The database check is built in; others come from the configuration (``HealthCheckDeclaration``) or from code.
///
/// ```swift
/// let queue = HealthCheck(name: "queue", timeout: .seconds(1)) {
///     guard try await broker.ping() else { throw QueueDown() }
/// }
/// let server = VitalsServer(configuration: configuration, store: store, extraChecks: [queue])
/// ```
public struct HealthCheck: Sendable {
    /// The name shown under `checks`.
    public var name: String
    /// How long the probe may take before the component counts as down.
    public var timeout: Duration
    /// Returns when the component is up; throws (with a message worth reading) when it is not.
    public var probe: @Sendable () async throws -> Void

    /// Creates a check.
    public init(name: String, timeout: Duration = .seconds(2), probe: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.timeout = timeout
        self.probe = probe
    }
}

/// Answers the HTTP GETs of the health checks declared with `http:`. The server itself holds no HTTP client (it
/// would bring TLS and HTTP/2 into every build of it); `vitals serve` wires the one of `VitalsHTTPClient`.
public protocol HTTPProber: Sendable {
    /// The status code of a GET of `url`, answered within `timeout`.
    ///
    /// - Throws: When the URL cannot be reached or does not answer in time.
    func status(of url: String, timeout: Duration) async throws -> Int
}

/// The outcome of every check at one time.
struct HealthReport: Sendable {
    struct Result: Sendable {
        var up: Bool
        var milliseconds: Double
        var error: String?
    }

    var checks: [(name: String, result: Result)]
    var up: Bool { checks.allSatisfy(\.result.up) }

    func result(_ name: String) -> Result? {
        checks.first { $0.name == name }?.result
    }
}

/// Runs the health checks concurrently, each under its timeout, and reuses a result for a short while so that
/// frequent probes cannot overload the components they check. Concurrent callers share one pass.
actor HealthMonitor {
    private let checks: [HealthCheck]
    private let cacheDuration: Duration
    private let clock = ContinuousClock()
    private var cached: (report: HealthReport, at: ContinuousClock.Instant)?
    private var running: Task<HealthReport, Never>?

    init(checks: [HealthCheck], cacheDuration: Duration) {
        self.checks = checks
        self.cacheDuration = cacheDuration
    }

    /// The latest report, at most `cacheDuration` old.
    func report() async -> HealthReport {
        if let cached, clock.now - cached.at < cacheDuration { return cached.report }
        if let running { return await running.value }
        let checks = self.checks
        let task = Task { await Self.run(checks) }
        running = task
        let report = await task.value
        cached = (report, clock.now)
        running = nil
        return report
    }

    private static func run(_ checks: [HealthCheck]) async -> HealthReport {
        await withTaskGroup(of: (Int, HealthReport.Result).self) { group in
            for (index, check) in checks.enumerated() {
                group.addTask { (index, await runOne(check)) }
            }
            var results = [HealthReport.Result?](repeating: nil, count: checks.count)
            for await (index, result) in group { results[index] = result }
            return HealthReport(checks: zip(checks, results).map { ($0.name, $1!) })
        }
    }

    private static func runOne(_ check: HealthCheck) async -> HealthReport.Result {
        let clock = ContinuousClock()
        let start = clock.now
        // `withTimeout` abandons the probe (cancelled, not awaited) at the timeout: a probe that ignores
        // cancellation — a driver call blocked on a dead connection — cannot hold the answer.
        var outcome: String?
        do {
            try await withTimeout(check.timeout, name: "health check \(check.name)") { try await check.probe() }
        } catch {
            outcome = "\(error)"
        }
        let elapsed = clock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        return HealthReport.Result(up: outcome == nil, milliseconds: milliseconds, error: outcome)
    }
}

extension HealthCheck {
    /// The store: open, and its database answering.
    static func database(_ store: any MetricStore) -> HealthCheck {
        HealthCheck(name: "database", timeout: .seconds(2)) { try await store.checkHealth() }
    }

    /// A check declared in the configuration; HTTP checks ask `prober`.
    static func declared(_ declaration: HealthCheckDeclaration, prober: (any HTTPProber)?) -> HealthCheck {
        switch declaration.target {
        case .http(let url):
            return HealthCheck(name: declaration.name, timeout: declaration.timeout) {
                guard let prober else {
                    throw HealthProbeError("no HTTP prober is wired into this server to GET \(url)")
                }
                let status = try await prober.status(of: url, timeout: declaration.timeout)
                guard (200..<300).contains(status) else { throw HealthProbeError("GET \(url) answered \(status)") }
            }
        case .tcp(let host, let port):
            return HealthCheck(name: declaration.name, timeout: declaration.timeout) {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.init(declaration.timeout))
                    .connect(host: host, port: port).get()
                try await channel.close()
            }
        }
    }
}

struct HealthProbeError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension TimeAmount {
    init(_ duration: Duration) {
        self = .nanoseconds(duration.nanoseconds)
    }
}
