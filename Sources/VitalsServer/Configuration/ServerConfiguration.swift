import Foundation
public import VitalsStore

/// Everything `vitals serve` needs: where to listen, which database, limits, tokens and health checks.
///
/// Values come from, lowest precedence first: the defaults below, the YAML file (`--config`), the environment,
/// and the command line's flags (applied by the caller after ``load(file:environment:)``).
///
/// ```swift
/// var configuration = try ServerConfiguration.load(file: "vitals.yml", environment: ProcessInfo.processInfo.environment)
/// configuration.port = 9090  // a flag wins over the file and the environment
/// ```
public struct ServerConfiguration: Sendable {
    /// Interface to listen on. Default `127.0.0.1`; `host:` in the file, `VITALS_HOST`.
    public var host: String = "127.0.0.1"
    /// Port to listen on; 0 picks a free port. Default 8080; `port:`, `VITALS_PORT` or `HEALTH_SERVER_PORT`.
    public var port: Int = 8080
    /// A SQLite file path or a `postgres://` URL. Default `./vitals.db`; `database:`, `VITALS_DATABASE`.
    public var database: String = "./vitals.db"
    /// Largest accepted request body, after gzip decompression too. Default 10 MB (413 past it);
    /// `max_body_bytes:`, `VITALS_MAX_BODY_BYTES`.
    public var maxBodyBytes: Int = 10 * 1024 * 1024
    /// Ingest requests decoded or waiting for their commit at once; more get 503 with `Retry-After`. With
    /// ``maxBodyBytes`` it bounds ingest memory: bodies, their decoded records and prepared batches share a budget
    /// of `ingest_queue × max_body_bytes` bytes. Default 32; `ingest_queue:`, `VITALS_INGEST_QUEUE`.
    public var ingestQueue: Int = 32
    /// Most records (lines or array elements that decode) in one ingest request; past it the request gets 413 and
    /// nothing of it is stored. Bounds the decoded form of a request, which costs more memory than its bytes.
    /// Default 20,000; `max_batch_records:`, `VITALS_MAX_BATCH_RECORDS`.
    public var maxBatchRecords: Int = 20_000
    /// Time a client has to send a request body, plus one second for every 64 KiB received; a body slower than
    /// that gets 408 and its connection is closed, so trickling clients cannot hold the server's places.
    /// Default 10 s; `body_timeout:`.
    public var bodyTimeout: Duration = .seconds(10)
    /// Bearer tokens; when empty every route is open. `tokens:` in the file, or one admin token in `VITALS_TOKEN`.
    public var tokens: [AccessToken] = []
    /// Health checks beyond the database's. `health.checks:` in the file.
    public var healthChecks: [HealthCheckDeclaration] = []
    /// How long a health result is reused, so probes cannot overload dependencies. Default 2 s; `health.cache:`.
    public var healthCacheDuration: Duration = .seconds(2)
    /// The store's series identity, limits and retention. `METRICS_RETENTION_DAYS` (or `retention_days:`) sets
    /// the raw-event retention.
    public var store: StoreConfiguration = .default
    /// How often roll-ups and retention run. Default 60 s; `maintenance_interval:`.
    public var maintenanceInterval: Duration = .seconds(60)
    /// Series per event name in `/metrics` before the excess folds into an `overflow="true"` series. Default 1,000;
    /// `metrics.series_limit:`.
    public var metricsSeriesLimit: Int = 1_000
    /// Live dashboard streams (`GET /v1/stream`) open at once; one more gets 503 with `Retry-After`. Each costs a
    /// connection and one overview query every few seconds. Default 100; `max_streams:`.
    public var maxStreams: Int = 100

    /// Live rules and notifications (`alerting:`); `nil` when the server only records and answers.
    /// `SLACK_WEBHOOK_URL` alone gives the supervisor pack and a Slack receiver.
    public var alerting: AlertingSettings?

    /// The documented defaults.
    public init() {}

    /// The defaults, then the file at `file` (when given), then the environment.
    ///
    /// - Throws: ``ServerConfigurationError`` naming the file and line, or the variable, of a bad value.
    public static func load(
        file: String?,
        environment: [String: String]
    ) throws(ServerConfigurationError)
        -> ServerConfiguration
    {
        var configuration = ServerConfiguration()
        if let file {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ServerConfigurationError(
                    code: .unreadableFile,
                    message: "\(file): cannot read the configuration file (\(error.localizedDescription))"
                )
            }
            try ConfigurationFileParser(yaml: text, file: file).apply(to: &configuration)
        }
        try configuration.apply(environment: environment)
        return configuration
    }

    /// Applies the environment variables named on each field.
    public mutating func apply(environment: [String: String]) throws(ServerConfigurationError) {
        func integer(_ name: String, in range: ClosedRange<Int>) throws(ServerConfigurationError) -> Int? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = Int(text.trimmingSpaces), range.contains(value) else {
                throw ServerConfigurationError(
                    code: .invalidValue,
                    message: "\(name)=\(text): expected a whole number from \(range.lowerBound) to \(range.upperBound)"
                )
            }
            return value
        }
        if let host = environment["VITALS_HOST"], !host.isEmpty { self.host = host }
        if let port = try integer("HEALTH_SERVER_PORT", in: 0...65_535) { self.port = port }
        if let port = try integer("VITALS_PORT", in: 0...65_535) { self.port = port }
        if let database = environment["VITALS_DATABASE"], !database.isEmpty { self.database = database }
        if let bytes = try integer("VITALS_MAX_BODY_BYTES", in: 1...(1 << 30)) { maxBodyBytes = bytes }
        if let queue = try integer("VITALS_INGEST_QUEUE", in: 1...10_000) { ingestQueue = queue }
        if let records = try integer("VITALS_MAX_BATCH_RECORDS", in: 1...10_000_000) { maxBatchRecords = records }
        if let token = environment["VITALS_TOKEN"], !token.isEmpty {
            tokens.append(AccessToken(token: token, scopes: [.admin]))
        }
        if alerting == nil, let url = environment["SLACK_WEBHOOK_URL"], !url.isEmpty {
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw ServerConfigurationError(code: .invalidValue, message: "SLACK_WEBHOOK_URL: not an http(s) URL")
            }
            do {
                alerting = try AlertingSettings.slack(url: url)
            } catch {
                throw ServerConfigurationError(code: .invalidValue, message: "SLACK_WEBHOOK_URL: \(error)")
            }
        }
        if let seconds = try integer("SUPERVISOR_CHECK_INTERVAL", in: 1...86_400) {
            alerting?.evaluationInterval = .seconds(seconds)
        }
        if environment["METRICS_RETENTION_DAYS"].map({ !$0.isEmpty }) == true {
            do {
                store.retention.rawEvents = try RetentionPolicy.fromEnvironment(environment).rawEvents
            } catch {
                throw ServerConfigurationError(code: .invalidValue, message: error.message)
            }
        }
    }
}

extension String {
    var trimmingSpaces: Substring {
        var text = self[...]
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}
