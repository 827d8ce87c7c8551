/// Why a receiver or a notification was refused before anything was sent.
///
/// Messages name the receiver and the field; they never hold a URL's path, a header value or a bot token.
///
/// ```swift
/// do {
///     try await delivery.enqueue([notification])
/// } catch let error as NotificationDeliveryError where error.code == .unknownReceiver {
///     print(error)  // notification ops/{}:{rule="x"}/1: no receiver named 'ops' is configured
/// }
/// ```
public struct NotificationDeliveryError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare with the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private init(_ description: String) { self.description = description }

        /// A receiver's or the delivery's configuration cannot work (an empty name, a URL that is not HTTP, two
        /// receivers with one name…).
        public static let invalidConfiguration = Code("invalid configuration")
        /// A notification names a receiver that is not configured.
        public static let unknownReceiver = Code("unknown receiver")
        /// The state store failed to keep the outbox.
        public static let storage = Code("storage failure")

        /// The kind in words, as the error prints it.
        public let description: String
    }

    /// The kind of failure.
    public var code: Code
    /// One line for a user: what was wrong and where.
    public var message: String
    /// The error underneath, such as the store's, when there is one.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
}
