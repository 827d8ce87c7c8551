import Foundation
import Logging
import PostgresNIO
import VitalsStore

/// Connects once before the pool starts: proves the server is reachable, creates the schema when one is named,
/// refuses foreign and newer databases, and applies pending migrations under an advisory lock.
enum PostgresMigrator {
    static func prepare(_ location: PostgresLocation, connectTimeout: Duration, logger: Logger) async throws {
        try await withConnection(location, connectTimeout: connectTimeout, logger: logger) { connection in
            if let schema = location.schema {
                try await connection.query(
                    PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"),
                    logger: logger
                )
                try await connection.query(PostgresQuery(unsafeSQL: "SET search_path TO \(schema)"), logger: logger)
            }
            try await inspect(connection, location: location, logger: logger)
            try await migrate(connection, location: location, logger: logger)
        }
    }

    /// Runs `body` on a new connection and closes it; connection failures become ``StoreError``s.
    @discardableResult
    static func withConnection<T>(
        _ location: PostgresLocation,
        connectTimeout: Duration,
        logger: Logger,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        var configuration = PostgresConnection.Configuration(
            host: location.host,
            port: location.port,
            username: location.username,
            password: location.password,
            database: location.database,
            tls: try connectionTLS(location)
        )
        configuration.options.connectTimeout = .nanoseconds(connectTimeout.nanoseconds)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw PostgresErrors.store(error, location: location, while: "connecting")
        }
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw PostgresErrors.store(error, location: location, while: "preparing the schema")
        }
    }

    private static func inspect(
        _ connection: PostgresConnection,
        location: PostgresLocation,
        logger: Logger
    ) async throws {
        let rows = try await connection.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
            logger: logger
        )
        var tables: [String] = []
        for try await (name) in rows.decode(String.self) { tables.append(name) }
        guard !tables.isEmpty else { return }
        guard tables.contains(PostgresSchema.versionTable) else {
            throw StoreError(
                code: .notVitalsDatabase,
                message: "\(location): the schema holds tables of another application ("
                    + "\(tables.sorted().prefix(5).joined(separator: ", "))); "
                    + "expected a Vitals database, an empty schema, or ?schema=NAME in the URL"
            )
        }
        _ = try SchemaMigration.pending(
            PostgresSchema.migrations,
            applied: try await appliedVersion(connection, logger),
            database: location.description
        )
    }

    private static func migrate(
        _ connection: PostgresConnection,
        location: PostgresLocation,
        logger: Logger
    ) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS vitals_schema (
                    version INTEGER PRIMARY KEY,
                    description TEXT NOT NULL,
                    applied_at BIGINT NOT NULL
                )
                """,
                logger: logger
            )
            let applied = try await appliedVersion(connection, logger)
            let pending = try SchemaMigration.pending(
                PostgresSchema.migrations,
                applied: applied,
                database: location.description
            )
            for migration in pending {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                let now = Int64(Date().timeIntervalSince1970 * 1e9)
                try await connection.query(
                    "INSERT INTO vitals_schema (version, description, applied_at) VALUES (\(migration.version), \(migration.description), \(now))",
                    logger: logger
                )
            }
        }
    }

    private static func appliedVersion(_ connection: PostgresConnection, _ logger: Logger) async throws -> Int {
        let rows = try await connection.query("SELECT COALESCE(MAX(version), 0) FROM vitals_schema", logger: logger)
        for try await (version) in rows.decode(Int.self) { return version }
        return 0
    }

    private static func connectionTLS(_ location: PostgresLocation) throws -> PostgresConnection.Configuration.TLS {
        switch location.tls {
        case .disable: return .disable
        case .prefer: return .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    static func clientTLS(_ mode: PostgresLocation.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(.makeClientConfiguration())
        case .require: return .require(.makeClientConfiguration())
        }
    }
}

/// Turns PostgresNIO errors into store errors that name the server and what failed, without driver dumps.
enum PostgresErrors {
    static func store(_ error: any Error, location: PostgresLocation, while action: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let transaction = error as? PostgresTransactionError {
            if let inner = transaction.closureError ?? transaction.commitError ?? transaction.beginError {
                return store(inner, location: location, while: action)
            }
        }
        guard let psql = error as? PSQLError else {
            return StoreError(code: .storage, message: "\(location): \(action) failed: \(error)", underlying: error)
        }
        switch psql.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .sslUnsupported,
            .failedToAddSSLHandler:
            let cause = psql.underlying.map { Self.shortCause($0) } ?? "\(psql.code)"
            return StoreError(
                code: .unreachable,
                message: "\(location): cannot reach the server while \(action) (\(cause)); "
                    + "is PostgreSQL running and listening on \(location.host):\(location.port)?",
                underlying: error
            )
        case .server:
            let state = psql.serverInfo?[.sqlState] ?? ""
            let message = psql.serverInfo?[.message] ?? "server error"
            if state.hasPrefix("28") || state == "3D000" {
                return StoreError(
                    code: .unreachable,
                    message: "\(location): the server refused the connection: \(message)",
                    underlying: error
                )
            }
            return StoreError(
                code: .storage,
                message: "\(location): \(action) failed: \(message) (SQLSTATE \(state))",
                underlying: error
            )
        default:
            return StoreError(code: .storage, message: "\(location): \(action) failed: \(psql.code)", underlying: error)
        }
    }

    /// The first line of an underlying network error, without type dumps.
    private static func shortCause(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("refused") || text.contains("errno: 111") { return "connection refused" }
        if text.contains("imeout") { return "timed out" }
        return String(text.prefix(120))
    }
}
