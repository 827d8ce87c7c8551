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
        private enum Value: Sendable, Hashable {
            case invalidConfiguration
            case unknownReceiver
            case storage
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A receiver's or the delivery's configuration cannot work (an empty name, a URL that is not HTTP, two
        /// receivers with one name…).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A notification names a receiver that is not configured.
        public static let unknownReceiver = Code(.unknownReceiver)
        /// The state store failed to keep the outbox.
        public static let storage = Code(.storage)

        public var description: String {
            switch value {
            case .invalidConfiguration: return "invalid configuration"
            case .unknownReceiver: return "unknown receiver"
            case .storage: return "storage failure"
            }
        }
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
