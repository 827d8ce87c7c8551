import Vitals

/// One receiver's circuit breaker: closed, open after enough failures in a row, half-open for one probe once
/// the cooldown has passed. Kept in memory: after a restart every receiver starts closed.
struct CircuitBreaker {
    enum State: Equatable {
        case closed
        case open(until: Timestamp)
        case halfOpen
    }

    private(set) var state = State.closed
    private(set) var consecutiveFailures = 0
    /// The wait of the next opening; doubles after a failed probe, back to the configured one on success.
    private var cooldown: Duration?

    var publicState: ReceiverStatistics.BreakerState {
        switch state {
        case .closed: return .closed
        case .open: return .open
        case .halfOpen: return .halfOpen
        }
    }

    /// Whether an attempt may go now: always when closed; when open, only once the cooldown has passed, which
    /// makes the breaker half-open and the attempt its probe.
    ///
    /// - Returns: `nil` when an attempt may go, otherwise when to ask again.
    mutating func blockedUntil(now: Timestamp) -> Timestamp? {
        guard case .open(let until) = state else { return nil }
        if now < until { return until }
        state = .halfOpen
        return nil
    }

    /// Records a receiver that answered; returns whether that closed an open or half-open breaker.
    mutating func recordSuccess() -> Bool {
        let wasClosed = state == .closed
        state = .closed
        consecutiveFailures = 0
        cooldown = nil
        return !wasClosed
    }

    /// Records a failed attempt; returns the cooldown when that opened the breaker.
    mutating func recordFailure(now: Timestamp, configuration: DeliveryConfiguration) -> Duration? {
        consecutiveFailures += 1
        let wait: Duration
        switch state {
        case .halfOpen:
            // The probe failed: wait twice as long as last time.
            let previous = cooldown ?? configuration.breakerCooldown
            wait = min(previous * 2, configuration.breakerMaximumCooldown)
        case .closed where consecutiveFailures >= configuration.breakerFailureThreshold:
            wait = configuration.breakerCooldown
        case .closed, .open:
            return nil
        }
        cooldown = wait
        state = .open(until: now.adding(wait))
        return wait
    }

    /// An attempt that was cancelled (shutdown) says nothing about the receiver: a half-open breaker opens again
    /// at once, so that the next attempt is a probe again.
    mutating func recordCancelled(now: Timestamp) {
        if state == .halfOpen { state = .open(until: now) }
    }
}
