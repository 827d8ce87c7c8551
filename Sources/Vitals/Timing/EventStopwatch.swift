import CVitalsShims

/// Times one operation: the wall-clock start for the event's `start_ts`, the monotonic clock for its duration.
///
/// Wall time can jump (NTP, manual changes); durations must not, so the end timestamp is derived from the
/// start plus the monotonic elapsed time rather than read from the wall clock again.
package struct EventStopwatch: Sendable {
    package let start: Timestamp
    /// The monotonic clock's reading at the start.
    package let startNanoseconds: UInt64

    /// Starts timing now.
    package init() {
        self.start = Timestamp.now()
        self.startNanoseconds = vitals_monotonic_ns()
    }

    /// An event that started when this stopwatch did and ends now, or at the monotonic reading `endNanoseconds`
    /// (for attributes computed from the same instant as the duration).
    package func event(
        name: String,
        status: EventStatus = .ok,
        error: String? = nil,
        attributes: Attributes = [:],
        endNanoseconds: UInt64? = nil
    ) -> Event {
        let milliseconds = Double((endNanoseconds ?? vitals_monotonic_ns()) &- startNanoseconds) / 1_000_000
        return Event(
            name: name,
            start: start,
            end: start.adding(milliseconds: milliseconds),
            durationMilliseconds: milliseconds,
            status: status,
            error: error,
            attributes: attributes
        )
    }
}

/// How a thrown error is recorded: cancellation and timeouts get their own status, everything else is an error.
package func eventStatus(for error: any Error) -> EventStatus {
    if error is CancellationError { return .cancelled }
    if error is TimeoutError { return .timeout }
    return .error
}

extension EventStopwatch {
    /// An event for an operation that threw `error`: status from ``eventStatus(for:)``, the error's text.
    package func failedEvent(name: String, error: any Error, attributes: Attributes = [:]) -> Event {
        event(name: name, status: eventStatus(for: error), error: String(describing: error), attributes: attributes)
    }
}
