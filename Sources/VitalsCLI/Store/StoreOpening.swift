import Foundation
import VitalsPostgres
import VitalsSQLite
import VitalsStore

/// Opens the store a `--database` option names: a `postgres://` URL, or else a SQLite file path.
enum StoreOpening {
    /// Runs `body` with the store at `location`, closing it afterwards (and running PostgreSQL's pool while
    /// `body` runs). `METRICS_RETENTION_DAYS` sets the raw-event retention.
    static func withStore<Result: Sendable>(
        _ location: String,
        storeConfiguration: StoreConfiguration? = nil,
        _ body: (BucketMetricStore) async throws -> Result
    ) async throws -> Result {
        let configuration =
            try storeConfiguration ?? StoreConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
        if PostgresLocation.isPostgresURL(location) {
            return try await PostgresStore.withStore(url: location, configuration: configuration, body)
        }
        let store = try await SQLiteStore.open(path: location, configuration: configuration)
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
