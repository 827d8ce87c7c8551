/// Why a store could not be opened, written or read.
///
/// Every message names what was wrong and where: the database file or server, the schema version, the query
/// field. Errors from the database driver are kept in ``underlying`` for logs; the message never needs them.
///
/// ```swift
/// do {
///     let store = try SQLiteMetricStore(path: "vitals.db")
/// } catch let error as StoreError where error.code == .schemaTooNew {
///     print(error)  // vitals.db: schema version 7 is newer than this binary (knows up to 3); upgrade vitals
/// }
/// ```
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare with the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private init(_ description: String) { self.description = description }

        /// The database was written by a newer Vitals: its schema has migrations this binary does not know.
        public static let schemaTooNew = Code("schema too new")
        /// The file or database exists and holds data, but not a Vitals schema.
        public static let notVitalsDatabase = Code("not a Vitals database")
        /// The file is not a readable database (truncated, overwritten, encrypted).
        public static let corruptDatabase = Code("corrupt database")
        /// The database server could not be reached or refused the connection.
        public static let unreachable = Code("database unreachable")
        /// The path or URL given for the database is not usable.
        public static let invalidLocation = Code("invalid database location")
        /// A query asked for something impossible (an empty range, a step that is not whole minutes…).
        public static let invalidQuery = Code("invalid query")
        /// A configuration value (an environment variable, a limit) is out of range.
        public static let invalidConfiguration = Code("invalid configuration")
        /// The database failed while reading or writing.
        public static let storage = Code("storage failure")
        /// The store was used after it was closed.
        public static let closed = Code("store closed")

        /// The kind in words, as the error prints it.
        public let description: String
    }

    /// What kind of failure this is.
    public var code: Code
    /// What a user reads: the database, what was wrong, what was expected.
    public var message: String
    /// The driver's error, when there was one.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    public init(code: Code, message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
}
