import Foundation
public import VitalsStore

/// Where a PostgreSQL store lives, parsed from a `postgres://` URL.
///
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require][&schema=NAME]`; the port
/// defaults to 5432, TLS to `disable`, the schema to the server's `search_path` (usually `public`). A schema
/// that does not exist yet is created when the store is opened.
///
/// ```swift
/// let location = try PostgresLocation(url: "postgres://vitals@127.0.0.1:5432/vitals?schema=team_a")
/// print(location.host, location.port)  // 127.0.0.1 5432
/// ```
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// Whether and how TLS is used.
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP (the default; Vitals is usually next to its database).
        case disable
        /// TLS when the server offers it.
        case prefer
        /// TLS or no connection (certificates are verified).
        case require
    }

    /// The server's host name or address.
    public var host: String
    /// The server's port; 5432 unless the URL says otherwise.
    public var port: Int
    /// The user to log in as.
    public var username: String
    /// The password, percent-decoded; `nil` for trust or peer authentication.
    public var password: String?
    /// The database name.
    public var database: String
    /// TLS use, from `sslmode`.
    public var tls: TLSMode
    /// The schema the store's tables live in, when not the server's default.
    public var schema: String?

    /// Parses a `postgres://` or `postgresql://` URL.
    ///
    /// - Throws: ``StoreError`` of code ``StoreError/Code/invalidLocation`` naming what is missing or malformed.
    public init(url: String) throws(StoreError) {
        func invalid(_ problem: String) -> StoreError {
            StoreError(
                code: .invalidLocation,
                message: "\(Self.redacted(url)): \(problem); expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
            )
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else { throw invalid("not a postgres:// URL") }
        guard let host = components.host, !host.isEmpty else { throw invalid("the host is missing") }
        guard let user = components.user, !user.isEmpty else { throw invalid("the user name is missing") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw invalid("the database name is missing") }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        self.tls = .disable
        self.schema = nil
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw invalid("sslmode=\(item.value ?? ""); expected disable, prefer or require")
                }
                self.tls = mode
            case "schema":
                guard let schema = item.value, Self.isPlainIdentifier(schema) else {
                    throw invalid("schema=\(item.value ?? ""); expected letters, digits and underscores")
                }
                self.schema = schema
            default:
                throw invalid("unknown parameter \(item.name); expected sslmode or schema")
            }
        }
    }

    /// `host:port/database`, without credentials: what messages show.
    public var description: String { "postgres \(host):\(port)/\(database)" + (schema.map { " schema \($0)" } ?? "") }

    /// Whether a URL names a PostgreSQL database rather than a file.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    static func isPlainIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !("0"..."9").contains(first), text.count <= 63 else {
            return false
        }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    /// The URL with its password replaced, for messages.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
