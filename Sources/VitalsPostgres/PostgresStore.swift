import Foundation
public import Logging
import PostgresNIO
public import ServiceLifecycle
public import VitalsStore

/// The shared store: PostgreSQL through PostgresNIO, for several Vitals servers writing one database.
///
/// Opening connects once to check the server is reachable and to migrate the schema (refusing a database of
/// another application or of a newer Vitals), then hands back the store and the service that runs its
/// connection pool. Run the service (in your `ServiceGroup`) for as long as you use the store, or let
/// ``withStore(url:configuration:logger:_:)`` do both.
///
/// ```swift
/// try await PostgresStore.withStore(url: "postgres://vitals@127.0.0.1/vitals") { store in
///     _ = try await store.ingest(records)
/// }
/// ```
public enum PostgresStore {
    /// Opens the store at `url` and returns it with the service that must run while it is used.
    ///
    /// - Parameters:
    ///   - url: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…][&schema=…]`.
    ///   - configuration: Series identity, limits and retention.
    ///   - connectTimeout: How long to wait for the server. Default 5 seconds.
    ///   - ingestDeadline: The longest one step of an ingest commit may wait on the server before the batch fails
    ///     (a 503 its client retries). Default 20 seconds.
    ///   - logger: Where the connection pool logs.
    /// - Returns: The store, and the pool's service.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/invalidLocation``, ``StoreError/Code/unreachable``,
    ///   ``StoreError/Code/notVitalsDatabase``, ``StoreError/Code/schemaTooNew`` or ``StoreError/Code/storage``.
    public static func open(
        url: String,
        configuration: StoreConfiguration = .default,
        connectTimeout: Duration = .seconds(5),
        ingestDeadline: Duration = .seconds(20),
        logger: Logger = Logger(label: "vitals.postgres")
    ) async throws -> (store: BucketMetricStore, service: any Service) {
        let location = try PostgresLocation(url: url)
        try await PostgresMigrator.prepare(location, connectTimeout: connectTimeout, logger: logger)
        var options = PostgresClient.Configuration.Options()
        options.connectTimeout = connectTimeout
        if let schema = location.schema { options.additionalStartupParameters = [("search_path", schema)] }
        var clientConfiguration = PostgresClient.Configuration(
            host: location.host,
            port: location.port,
            username: location.username,
            password: location.password,
            database: location.database,
            tls: PostgresMigrator.clientTLS(location.tls)
        )
        clientConfiguration.options = options
        let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
        let backend = PostgresBackend(
            client: client,
            location: location,
            ingestDeadline: ingestDeadline,
            logger: logger
        )
        let store = BucketMetricStore(backend: backend, configuration: configuration, displayName: location.description)
        return (store, client)
    }

    /// Opens the store, runs its connection pool while `body` uses it, then closes it.
    public static func withStore<Result: Sendable>(
        url: String,
        configuration: StoreConfiguration = .default,
        connectTimeout: Duration = .seconds(5),
        ingestDeadline: Duration = .seconds(20),
        logger: Logger = Logger(label: "vitals.postgres"),
        _ body: (BucketMetricStore) async throws -> Result
    ) async throws -> Result {
        let (store, service) = try await open(
            url: url,
            configuration: configuration,
            connectTimeout: connectTimeout,
            ingestDeadline: ingestDeadline,
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            defer { group.cancelAll() }
            do {
                let result = try await body(store)
                try await store.close()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        }
    }

    /// Drops the schema named by the URL's `schema=` parameter and everything in it; does nothing without one.
    ///
    /// Meant for test and benchmark databases: the data is gone for good.
    ///
    /// - Throws: ``StoreError`` when the URL is malformed or the server cannot be reached.
    public static func dropSchema(url: String, logger: Logger = Logger(label: "vitals.postgres")) async throws {
        let location = try PostgresLocation(url: url)
        guard let schema = location.schema else { return }
        try await PostgresMigrator.withConnection(location, connectTimeout: .seconds(5), logger: logger) { connection in
            try await connection.query(
                PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"),
                logger: logger
            )
        }
    }
}
