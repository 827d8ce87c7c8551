import Testing
import Vitals
import VitalsAlerting

/// A generator that always gives the same word: 0 gives the bottom of a range, `.max` its top.
struct FixedGenerator: RandomNumberGenerator, Sendable {
    var value: UInt64
    mutating func next() -> UInt64 { value }
}

@Suite("Backoff and Retry-After", .timeLimit(.minutes(1)))
struct RetryTests {
    let configuration = DeliveryConfiguration.default

    func delay(_ failures: Int, retryAfter: Duration? = nil, random: UInt64) -> Duration {
        var generator = FixedGenerator(value: random)
        return configuration.retryDelay(afterFailures: failures, retryAfter: retryAfter, using: &generator)
    }

    @Test("full jitter: between zero and base × 2ⁿ⁻¹, capped at 5 minutes")
    func fullJitter() {
        #expect(delay(1, random: 0) == .zero)
        #expect(delay(1, random: .max) == .seconds(1))
        #expect(delay(2, random: .max) == .seconds(2))
        #expect(delay(5, random: .max) == .seconds(16))
        #expect(delay(9, random: .max) == .seconds(256))
        #expect(delay(10, random: .max) == .seconds(300))
        #expect(delay(1_000, random: .max) == .seconds(300))
        var system = SystemRandomNumberGenerator()
        for failures in 1...12 {
            let drawn = configuration.retryDelay(afterFailures: failures, using: &system)
            #expect(drawn >= .zero && drawn <= .seconds(300))
        }
    }

    @Test("Retry-After is a floor, even beyond the cap")
    func retryAfterFloor() {
        #expect(delay(1, retryAfter: .seconds(30), random: 0) == .seconds(30))
        #expect(delay(3, retryAfter: .seconds(1), random: .max) == .seconds(4))
        #expect(delay(1, retryAfter: .seconds(900), random: .max) == .seconds(900))
    }

    @Test("Retry-After: seconds and the three HTTP-date forms")
    func parsing() {
        let date = Timestamp(rfc3339: "1994-11-06T08:49:37Z")!
        #expect(RetryAfter(fieldValue: "120") == .seconds(120))
        #expect(RetryAfter(fieldValue: " 0 ") == .seconds(0))
        #expect(RetryAfter(fieldValue: "Sun, 06 Nov 1994 08:49:37 GMT") == .date(date))
        #expect(RetryAfter(fieldValue: "Sunday, 06-Nov-94 08:49:37 GMT") == .date(date))
        #expect(
            RetryAfter(fieldValue: "Monday, 15-Dec-25 04:09:08 GMT")
                == .date(Timestamp(rfc3339: "2025-12-15T04:09:08Z")!)
        )
        #expect(RetryAfter(fieldValue: "Sun Nov  6 08:49:37 1994") == .date(date))
        for invalid in ["", "-1", "1.5", "soon", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT"] {
            #expect(RetryAfter(fieldValue: invalid) == nil, "\(invalid)")
        }
    }

    @Test("a date's delay counts from now and is never negative")
    func dateDelay() {
        let now = Timestamp(rfc3339: "2025-12-15T04:08:08Z")!
        let later = RetryAfter(fieldValue: "Mon, 15 Dec 2025 04:09:08 GMT")
        #expect(later?.delay(from: now) == .seconds(60))
        let earlier = RetryAfter(fieldValue: "Mon, 15 Dec 2025 04:00:00 GMT")
        #expect(earlier?.delay(from: now) == .zero)
        #expect(RetryAfter.seconds(5).delay(from: now) == .seconds(5))
    }

    @Test("configurations out of range are refused, naming the field")
    func validation() {
        var configuration = DeliveryConfiguration.default
        configuration.breakerFailureThreshold = 0
        let error = #expect(throws: NotificationDeliveryError.self) { try configuration.validate() }
        #expect(error?.message.contains("failure threshold") == true)
        #expect(throws: Never.self) { try DeliveryConfiguration.default.validate() }
        var capped = ReceiverConfiguration(name: "audit", kind: .log)
        capped.maximumNotificationsPerHour = 0
        #expect(throws: NotificationDeliveryError.self) { try capped.validate() }
    }
}
