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
        let base = max(0, baseDelay.inSeconds)
        let ceiling = min(max(0, maximumDelay.inSeconds), base * pow2(max(0, retry - 1)))
        let jittered = ceiling > 0 ? Double.random(in: 0...ceiling, using: &generator) : 0
        let floor = retryAfter.map { max(0, $0.inSeconds) } ?? 0
        return .nanoseconds(Int64((max(jittered, floor) * 1e9).rounded()))
    }

    /// The wait before retry number `retry`, with the system's random numbers.
    public func delay(beforeRetry retry: Int, retryAfter: Duration? = nil) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(beforeRetry: retry, retryAfter: retryAfter, using: &generator)
    }

    private func pow2(_ exponent: Int) -> Double {
        // 2^62 is far beyond any cap; larger exponents would only overflow.
        Double(UInt64(1) << UInt64(min(exponent, 62)))
    }
}

extension Duration {
    var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
