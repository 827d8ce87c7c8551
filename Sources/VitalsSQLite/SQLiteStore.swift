import Foundation
import GRDB
public import VitalsStore

/// The embedded store: one SQLite file in WAL mode, opened by path. The default store of Vitals.
///
/// Opening checks what the file is before changing anything: a file that is not a database, a SQLite database
/// of another application, or a Vitals database of a newer schema is refused with a ``StoreError`` and left
/// untouched. A new or older Vitals database is migrated to the current schema.
///
/// The first store to open a file takes an `flock` on `PATH-writer.lock` beside it and keeps each commit's event
/// buckets in memory for up to a second (its raw events are committed at once); its reads write them first, and
/// the next open rebuilds them from the raw events if the process ended before. Another store opened on the same
/// file meanwhile writes its buckets with each commit.
///
/// ```swift
/// let store = try await SQLiteStore.open(path: "vitals.db")
/// defer { Task { try await store.close() } }
/// let result = try await store.ingest(records)
/// ```
public enum SQLiteStore {
    /// Opens (creating if needed) the store at `path`.
    ///
    /// - Parameters:
    ///   - path: The database file; its directory must exist.
    ///   - configuration: Series identity, limits and retention.
    ///   - sqlite: Durability and connection settings.
    /// - Returns: The store.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/invalidLocation``, ``StoreError/Code/corruptDatabase``,
    ///   ``StoreError/Code/notVitalsDatabase``, ``StoreError/Code/schemaTooNew`` or ``StoreError/Code/storage``.
    public static func open(
        path: String,
        configuration: StoreConfiguration = .default,
        sqlite: SQLiteConfiguration = .default
    ) async throws -> BucketMetricStore {
        try await open(path: path, configuration: configuration, sqlite: sqlite, pendingBucketAge: nil)
    }

    /// Opens the store, with event buckets waiting in memory for at most `pendingBucketAge` (tests make it long,
    /// to see them wait).
    package static func open(
        path: String,
        configuration: StoreConfiguration = .default,
        sqlite: SQLiteConfiguration = .default,
        pendingBucketAge: Duration?
    ) async throws -> BucketMetricStore {
        try checkLocation(path)
        try inspectExisting(path)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: connectionConfiguration(sqlite))
        } catch {
            throw SQLiteErrors.store(error, path: path, while: "opening")
        }
        do {
            try await pool.write { db in try migrate(db, path: path) }
        } catch let error as StoreError {
            try? pool.close()
            throw error
        } catch {
            try? pool.close()
            throw SQLiteErrors.store(error, path: path, while: "migrating")
        }
        // One process per database keeps event buckets in memory between commits (their raw events are
        // durable); it first rebuilds what a process that ended before writing them left pending.
        let writerLock = configuration.keepsRawEvents ? WriterLock.acquire(beside: path) : nil
        let store = BucketMetricStore(
            backend: SQLiteBackend(pool: pool, path: path, writerLock: writerLock),
            configuration: configuration,
            displayName: path,
            pendingBucketAge: pendingBucketAge ?? PendingBuckets.maximumAge
        )
        do {
            try await store.rebuildPendingBuckets()
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }

    private static func checkLocation(_ path: String) throws(StoreError) {
        guard !path.isEmpty else {
            throw StoreError(code: .invalidLocation, message: "database path is empty; expected a file path")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StoreError(code: .invalidLocation, message: "\(path): is a directory; expected a database file")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            throw StoreError(code: .invalidLocation, message: "\(path): directory \(directory) does not exist")
        }
    }

    /// Reads an existing file without writing to it: refuses corrupt files, foreign databases and newer schemas.
    private static func inspectExisting(_ path: String) throws(StoreError) {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size > 0 else { return }
        do {
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            let applied: Int? = try queue.read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                guard tables.contains(SQLiteSchema.versionTable) else {
                    if tables.isEmpty { return nil }
                    throw StoreError(
                        code: .notVitalsDatabase,
                        message: "\(path): is a SQLite database of another application (tables: "
                            + "\(tables.prefix(5).joined(separator: ", "))); expected a Vitals database or a new file"
                    )
                }
                return try Int.fetchOne(db, sql: "SELECT MAX(version) FROM \(SQLiteSchema.versionTable)") ?? 0
            }
            if let applied {
                _ = try SchemaMigration.pending(SQLiteSchema.migrations, applied: applied, database: path)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw SQLiteErrors.store(error, path: path, while: "reading")
        }
    }

    private static func connectionConfiguration(_ sqlite: SQLiteConfiguration) -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let (seconds, attoseconds) = sqlite.busyTimeout.components
        configuration.busyMode = .timeout(Double(seconds) + Double(attoseconds) / 1e18)
        let synchronous = sqlite.durability == .powerLoss ? "FULL" : "NORMAL"
        let cache = max(256, sqlite.cacheKiB)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            try db.execute(sql: "PRAGMA cache_size = -\(cache)")
        }
        return configuration
    }

    private static func migrate(_ db: Database, path: String) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS \(SQLiteSchema.versionTable) (
                    version INTEGER PRIMARY KEY,
                    description TEXT NOT NULL,
                    applied_at INTEGER NOT NULL
                )
                """
        )
        let applied = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM \(SQLiteSchema.versionTable)") ?? 0
        for migration in try SchemaMigration.pending(SQLiteSchema.migrations, applied: applied, database: path) {
            for statement in migration.statements { try db.execute(sql: statement) }
            try db.execute(
                sql: "INSERT INTO \(SQLiteSchema.versionTable) (version, description, applied_at) VALUES (?, ?, ?)",
                arguments: [migration.version, migration.description, Int64(Date().timeIntervalSince1970 * 1e9)]
            )
        }
    }
}

/// Turns GRDB errors into store errors that name the file and what failed.
enum SQLiteErrors {
    static func store(_ error: any Error, path: String, while action: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let database = error as? DatabaseError else {
            return StoreError(code: .storage, message: "\(path): \(action) failed: \(error)", underlying: error)
        }
        switch database.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return StoreError(
                code: .corruptDatabase,
                message: "\(path): is not a readable database (corrupt, or not a SQLite file); "
                    + "expected a Vitals database or a new file",
                underlying: error
            )
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY:
            return StoreError(
                code: .invalidLocation,
                message: "\(path): cannot be opened for writing (\(database.message ?? "permission denied"))",
                underlying: error
            )
        default:
            return StoreError(
                code: .storage,
                message:
                    "\(path): \(action) failed: \(database.message ?? "SQLite error \(database.resultCode.rawValue)")",
                underlying: error
            )
        }
    }
}
