/// The one way durations are written everywhere in Vitals: command-line flags (`--since 24h`), query parameters
/// (`window=15m`, `step=1m`), the server's YAML (`body_timeout: 10s`) and rule files (`window: 5m`).
///
/// A number followed by a unit — `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h`, `d` (24 h) or `w` (7 d) — or a bare
/// number, which is always seconds (as in the original systems' `SUPERVISOR_CHECK_INTERVAL=60`). Fractions are
/// allowed (`1.5h`); negative, infinite and values past about 292 years (the `Int64` nanosecond scale) are not.
///
/// ```swift
/// DurationText.parse("90s")  // .seconds(90)
/// DurationText.parse("24")   // .seconds(24): a bare number is seconds, everywhere
/// DurationText.parse("-1m")  // nil
/// ```
package enum DurationText {
    /// The units, longest spelling first so that `ms` is not read as `m` + `s`.
    private static let units: [(suffix: String, nanoseconds: Double)] = [
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3_600e9),
        ("d", 86_400e9), ("w", 604_800e9),
    ]

    /// What a user is told the syntax is.
    package static let expected = "duration such as 500ms, 30s, 5m, 1h or 7d (a bare number is seconds)"

    /// The duration, or `nil` when the text is not one.
    package static func parse(_ text: some StringProtocol) -> Duration? {
        let trimmed = text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
        let body = String(trimmed)
        var number = Substring(body)
        var scale = 1e9
        for unit in units where body.hasSuffix(unit.suffix) {
            let candidate = body.dropLast(unit.suffix.count)
            // `5ms` ends with `s` too: a unit counts only when a number stands before it.
            guard Double(candidate) != nil else { continue }
            number = candidate
            scale = unit.nanoseconds
            break
        }
        guard number.first != "+", let value = Double(number), value.isFinite, value >= 0 else { return nil }
        let nanoseconds = (value * scale).rounded()
        guard nanoseconds < 9.2e18 else { return nil }
        return .nanoseconds(Int64(nanoseconds))
    }

    /// The duration in milliseconds, or `nil` when the text is not one.
    package static func milliseconds(_ text: some StringProtocol) -> Double? {
        parse(text).map { duration in
            let (seconds, attoseconds) = duration.components
            return Double(seconds) * 1e3 + Double(attoseconds) / 1e15
        }
    }
}
