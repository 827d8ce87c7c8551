/// Exponential backoff with full jitter, the retry wait of `vitals push` and of alert notifications.
///
/// Before attempt *n* + 1 (after *n* failures) the wait is a random time between 0 and
/// `min(maximum, base × 2ⁿ⁻¹)`, so that many clients retrying against one recovering server spread out; a floor
/// (a server's `Retry-After`) is never undercut, even beyond `maximum`.
///
/// ```swift
/// var generator = SystemRandomNumberGenerator()
/// let wait = Backoff.fullJitter(failures: 3, base: .seconds(1), maximum: .seconds(300), using: &generator)
/// // between 0 and 4 seconds
/// ```
package enum Backoff {
    /// The wait after `failures` failures (from 1).
    ///
    /// - Parameters:
    ///   - failures: Failed attempts so far, from 1.
    ///   - base: The ceiling after the first failure.
    ///   - maximum: The largest ceiling.
    ///   - floor: The shortest wait, when there is one.
    ///   - generator: The source of jitter: 53 of its bits give a fraction in [0, 1), so a fixed generator gives a
    ///     fixed wait.
    /// - Returns: A duration of at least zero and at least `floor`, at most nine billion seconds.
    package static func fullJitter(
        failures: Int,
        base: Duration,
        maximum: Duration,
        floor: Duration? = nil,
        using generator: inout some RandomNumberGenerator
    ) -> Duration {
        // 2^62 is far beyond any cap; larger exponents would only overflow.
        let growth = Double(UInt64(1) << UInt64(min(max(0, failures - 1), 62)))
        let ceiling = min(max(0, seconds(maximum)), max(0, seconds(base)) * growth)
        let unit = Double(generator.next() >> 11) * 0x1p-53
        let lowest = floor.map { max(0, seconds($0)) } ?? 0
        // Nine billion seconds fit a Duration's nanoseconds in 64 bits and exceed any sensible wait.
        return .nanoseconds(Int64((min(max(ceiling * unit, lowest), 9e9) * 1e9).rounded()))
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
