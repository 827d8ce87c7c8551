import Vitals

/// When to send a request again after a 429, a 503, a connection error or a timeout.
///
/// Exponential backoff with full jitter: before retry *n* (from 1) the client waits a random time between 0
/// and `min(maximumDelay, baseDelay × 2ⁿ⁻¹)`, so that many clients pushing to one recovering server spread
/// out. A `Retry-After` from the server is a floor: the client never comes back sooner than it was asked to.
///
/// ```swift
/// var policy = PushRetryPolicy.default
/// policy.maximumAttempts = 3
/// ```
public struct PushRetryPolicy: Sendable, Hashable {
    /// The first backoff ceiling. Default 200 ms.
    public var baseDelay: Duration
    /// The largest backoff ceiling. Default 30 s.
    public var maximumDelay: Duration
    /// Attempts per batch, the first included, before giving up. Default 8.
    public var maximumAttempts: Int

    /// 200 ms base, 30 s cap, 8 attempts.
    public static let `default` = PushRetryPolicy()

    /// Creates a policy.
    public init(
        baseDelay: Duration = .milliseconds(200),
        maximumDelay: Duration = .seconds(30),
        maximumAttempts: Int = 8
    ) {
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.maximumAttempts = maximumAttempts
    }

    /// The wait before retry number `retry` (1 for the first retry).
    ///
    /// - Parameters:
    ///   - retry: Which retry this is, from 1.
    ///   - retryAfter: The server's `Retry-After`, when it sent one; the result is never shorter.
    ///   - generator: The source of jitter.
    /// - Returns: A duration between 0 and the backoff ceiling, or `retryAfter` when that is longer.
    public func delay(
        beforeRetry retry: Int,
        retryAfter: Duration? = nil,
        using generator: inout some RandomNumberGenerator
    ) -> Duration {
        Backoff.fullJitter(
            failures: retry,
            base: baseDelay,
            maximum: maximumDelay,
            floor: retryAfter,
            using: &generator
        )
    }

    /// The wait before retry number `retry`, with the system's random numbers.
    public func delay(beforeRetry retry: Int, retryAfter: Duration? = nil) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(beforeRetry: retry, retryAfter: retryAfter, using: &generator)
    }
}
