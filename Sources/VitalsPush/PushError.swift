/// Why `vitals push` stopped before every line was sent.
///
/// The message is what a user reads: it names the file, or the server's status and its own explanation.
/// ``report`` holds what had been sent before the failure, so nothing is counted twice when the caller shows
/// it.
///
/// ```swift
/// do {
///     _ = try await client.push(files: ["metrics.jsonl"])
/// } catch {
///     print(error)  // server answered 401 Unauthorized: missing or invalid token
/// }
/// ```
public struct PushError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private init(_ description: String) { self.description = description }

        /// The server URL, batch size or another setting cannot work.
        public static let invalidConfiguration = Code("invalid configuration")
        /// An input file cannot be opened or read.
        public static let unreadableInput = Code("unreadable input")
        /// The server could not be reached, or stayed overloaded, through every attempt of the retry policy.
        public static let unreachable = Code("server unreachable")
        /// The server answered with a 4xx other than 429: the request is wrong and sending it again cannot help.
        public static let requestRejected = Code("request rejected")
        /// The server answered with a 5xx other than 503, or with something that is not HTTP.
        public static let serverFailed = Code("server failed")

        /// The kind in words, as the error prints it.
        public let description: String
    }

    /// The kind of failure.
    public var code: Code
    /// One line for a user: what failed and what was expected.
    public var message: String
    /// The HTTP status the server answered with, when it answered.
    public var status: Int?
    /// The error underneath, such as a connection error, when there is one.
    public var underlying: (any Error)?
    /// What had been sent and acknowledged before the failure.
    public var report: PushReport?

    /// Creates an error.
    public init(
        code: Code,
        message: String,
        status: Int? = nil,
        underlying: (any Error)? = nil,
        report: PushReport? = nil
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.underlying = underlying
        self.report = report
    }

    public var description: String { message }
}
