/// What one receiver's delivery has done since the process started, for `/metrics` and `/health`.
///
/// Counters only grow (Prometheus counters); `pending` and `breaker` are the state at the moment of the
/// snapshot.
///
/// ```swift
/// for receiver in delivery.statistics() {
///     print(receiver.receiver, receiver.sent, receiver.heldBack, receiver.breaker)
/// }
/// ```
public struct ReceiverStatistics: Sendable, Hashable {
    /// The state of a receiver's circuit breaker.
    public enum BreakerState: String, Sendable, Hashable, CaseIterable {
        /// Notifications are sent.
        case closed
        /// The receiver failed too often in a row: nothing is sent until the cooldown ends.
        case open
        /// One notification is being sent as a probe; its outcome closes or opens the breaker.
        case halfOpen = "half_open"
    }

    /// The receiver's name.
    public var receiver: String
    /// Its type: `slack`, `webhook`, `telegram`, `log` or `handler`.
    public var type: String
    /// Notifications delivered (answered 2xx, logged, or handled without an error).
    public var sent: Int = 0
    /// Attempts that failed and were to be tried again (a 5xx, 408 or 429, no answer, a handler's error).
    public var failedAttempts: Int = 0
    /// Notifications held back by the hourly cap; each is listed in the next message that goes out.
    public var heldBack: Int = 0
    /// Notifications the receiver refused for good (a 4xx other than 408 and 429): not sent again.
    public var dropped: Int = 0
    /// Notifications given up after failing for the maximum age.
    public var expired: Int = 0
    /// Notifications waiting in the outbox now.
    public var pending: Int = 0
    /// The circuit breaker's state now.
    public var breaker: BreakerState = .closed

    /// Creates a snapshot with every counter at zero and the breaker closed.
    public init(receiver: String, type: String) {
        self.receiver = receiver
        self.type = type
    }
}
