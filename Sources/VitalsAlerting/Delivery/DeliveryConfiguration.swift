import Vitals

/// How ``NotificationDelivery`` retries, when it gives up, and when it stops calling a receiver that is down.
///
/// Retries use exponential backoff with full jitter: after failure *n* (from 1) of a notification the next
/// attempt waits a random time between 0 and `min(retryMaximumDelay, retryBaseDelay × 2ⁿ⁻¹)`, so that the
/// notifications of a recovering receiver spread out; a `Retry-After` from the receiver is a floor.
///
/// A receiver's circuit breaker opens after `breakerFailureThreshold` failed attempts in a row: nothing is sent
/// to it until `breakerCooldown` has passed, then one notification goes as a probe (half-open). Success closes
/// the breaker; failure opens it again for twice as long, up to `breakerMaximumCooldown`.
///
/// ```swift
/// var configuration = DeliveryConfiguration.default
/// configuration.maximumAge = .seconds(6 * 3_600)
/// ```
public struct DeliveryConfiguration: Sendable, Hashable {
    /// The backoff ceiling after a notification's first failure. Default 1 second.
    public var retryBaseDelay: Duration
    /// The largest backoff ceiling. Default 5 minutes.
    public var retryMaximumDelay: Duration
    /// How long a notification may wait in the outbox, failing, before it is given up (and counted as expired).
    /// Default 24 hours.
    public var maximumAge: Duration
    /// Failed attempts in a row that open a receiver's circuit breaker. Default 5.
    public var breakerFailureThreshold: Int
    /// How long an open breaker waits before its first probe. Default 30 seconds.
    public var breakerCooldown: Duration
    /// The longest wait of an open breaker, which doubles after each failed probe. Default 10 minutes.
    public var breakerMaximumCooldown: Duration
    /// How long the notification log remembers a delivered notification, so that it is never sent again.
    /// Default 7 days.
    public var sentLogRetention: Duration

    /// The defaults above.
    public static let `default` = DeliveryConfiguration()

    /// Creates a configuration; every parameter defaults to the value its property documents.
    public init(
        retryBaseDelay: Duration = .seconds(1),
        retryMaximumDelay: Duration = .seconds(300),
        maximumAge: Duration = .seconds(86_400),
        breakerFailureThreshold: Int = 5,
        breakerCooldown: Duration = .seconds(30),
        breakerMaximumCooldown: Duration = .seconds(600),
        sentLogRetention: Duration = .seconds(7 * 86_400)
    ) {
        self.retryBaseDelay = retryBaseDelay
        self.retryMaximumDelay = retryMaximumDelay
        self.maximumAge = maximumAge
        self.breakerFailureThreshold = breakerFailureThreshold
        self.breakerCooldown = breakerCooldown
        self.breakerMaximumCooldown = breakerMaximumCooldown
        self.sentLogRetention = sentLogRetention
    }

    /// The wait before the next attempt of a notification that has failed `failures` times.
    ///
    /// - Parameters:
    ///   - failures: The failed attempts so far, from 1.
    ///   - retryAfter: What the receiver asked for, when it did; the result is never shorter.
    ///   - generator: The source of jitter.
    /// - Returns: A random duration between 0 and the backoff ceiling, or `retryAfter` when that is longer.
    public func retryDelay(
        afterFailures failures: Int,
        retryAfter: Duration? = nil,
        using generator: inout some RandomNumberGenerator
    ) -> Duration {
        Backoff.fullJitter(
            failures: failures,
            base: retryBaseDelay,
            maximum: retryMaximumDelay,
            floor: retryAfter,
            using: &generator
        )
    }

    /// Checks that delays and counts are usable.
    ///
    /// - Throws: ``NotificationDeliveryError`` with code `invalidConfiguration`, naming the field.
    public func validate() throws {
        func fail(_ problem: String) -> NotificationDeliveryError {
            NotificationDeliveryError(code: .invalidConfiguration, message: "notification delivery: \(problem)")
        }
        guard retryBaseDelay >= .zero, retryMaximumDelay >= retryBaseDelay else {
            throw fail("the retry delays must satisfy 0 ≤ base ≤ maximum")
        }
        guard maximumAge > .zero else { throw fail("the maximum age must be above zero") }
        guard breakerFailureThreshold >= 1 else { throw fail("the breaker's failure threshold must be at least 1") }
        guard breakerCooldown > .zero, breakerMaximumCooldown >= breakerCooldown else {
            throw fail("the breaker's cooldowns must satisfy 0 < cooldown ≤ maximum")
        }
        guard sentLogRetention > .zero else { throw fail("the notification log's retention must be above zero") }
    }

}
