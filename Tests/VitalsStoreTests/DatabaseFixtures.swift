import Foundation
import GRDB

// The sanitizer builds (Sanitizers/Package.swift) leave PostgreSQL out.
#if canImport(VitalsPostgres)
import Logging
import PostgresNIO
import VitalsPostgres
#endif

#if canImport(Glibc)
import Glibc
#endif

/// Direct SQL on a SQLite file, bypassing the store (to forge a newer schema, a foreign database…).
enum SQLiteFixture {
    /// Runs `sql` and returns the first column of the first row, if any, as text.
    @discardableResult
    static func run(_ path: String, _ sql: String) throws -> String? {
        // A store may hold the write lock on the same file (it writes its waiting buckets on a timer): wait for it,
        // as the store's own connections do, rather than fail at once.
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.write { db in
            let statements = try db.allStatements(sql: sql)
            var first: String?
            while let statement = try statements.next() {
                if let row = try Row.fetchOne(statement), first == nil { first = row[0].map { "\($0)" } }
            }
            return first
        }
    }
}

#if canImport(VitalsPostgres)
/// Direct SQL on a PostgreSQL test schema, bypassing the store.
enum PostgresFixture {
    /// Runs `sql` with the URL's schema first on the search path; returns the first column of the first row.
    @discardableResult
    static func execute(_ url: String, _ sql: String) async throws -> String? {
        let logger = Logger(label: "vitals.tests")
        let connection = try await connect(url)
        defer { Task { try? await connection.close() } }
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        var first: String?
        for try await row in rows where first == nil {
            let random = row.makeRandomAccess()
            first = random[data: 0].string ?? random[data: 0].int.map(String.init)
        }
        return first
    }

    /// A connection of its own to the URL's database, the URL's schema first on its search path.
    static func connect(_ url: String) async throws -> PostgresConnection {
        let location = try PostgresLocation(url: url)
        var configuration = PostgresConnection.Configuration(
            host: location.host,
            port: location.port,
            username: location.username,
            password: location.password,
            database: location.database,
            tls: .disable
        )
        if let schema = location.schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        return try await PostgresConnection.connect(
            configuration: configuration,
            id: 1,
            logger: Logger(label: "vitals.tests")
        )
    }
}
#endif

/// A TCP port on 127.0.0.1 that nothing listens on (bound, read, released).
enum FreePort {
    static func find() throws -> Int {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socketDescriptor, generic, length) == 0 && getsockname(socketDescriptor, generic, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
