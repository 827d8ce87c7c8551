import Foundation

/// URL text for the dashboard's links; HTML text goes through `Markup.escape(_:)` (every label value, event name and
/// error text).
package enum HTML {
    /// `text` percent-encoded as one path segment or query value (everything but unreserved characters).
    package static func urlComponent(_ text: String) -> String {
        let unreserved = CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
        )
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// A number for a JSON document or an SVG coordinate: finite, at most 3 decimals, no exponent.
    package static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        return String(format: "%.3f", value)
    }
}

/// How the dashboard writes numbers for people: a few significant digits and the unit.
package enum Format {
    /// `12.7 ms`, `1.23 s`, `-` when there is no value.
    package static func milliseconds(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        if value >= 1_000 { return String(format: "%.2f s", value / 1_000) }
        if value >= 100 { return String(format: "%.0f ms", value) }
        if value >= 10 { return String(format: "%.1f ms", value) }
        return String(format: "%.2f ms", value)
    }

    /// `3.3 %` of a fraction from 0 to 1.
    package static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "–" }
        if fraction == 0 { return "0 %" }
        return String(format: fraction < 0.001 ? "%.3f %%" : "%.1f %%", fraction * 100)
    }

    /// `12.3/s`, `0.004/s`.
    package static func rate(_ perSecond: Double) -> String {
        guard perSecond.isFinite else { return "–" }
        if perSecond >= 100 { return String(format: "%.0f/s", perSecond) }
        if perSecond >= 1 { return String(format: "%.1f/s", perSecond) }
        return String(format: "%.3f/s", perSecond)
    }

    /// A count with thousands separators: `12,345`.
    package static func count(_ value: UInt64) -> String {
        let digits = String(value)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return grouped
    }

    /// `$1.23` (four decimals under a cent).
    package static func dollars(_ value: Double) -> String {
        String(format: value < 0.01 && value > 0 ? "$%.4f" : "$%.2f", value)
    }

    /// A plain number with at most one decimal, with separators when large: `1,234`, `12.5`; millions and more
    /// as `110.8 M` and `2.1 G`, so that a card stays one line.
    package static func quantity(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value >= 1e9 { return String(format: "%.1f G", value / 1e9) }
        if value >= 1e6 { return String(format: "%.1f M", value / 1e6) }
        if value >= 1_000 { return count(UInt64(value.rounded())) }
        return String(format: "%.1f", value)
    }
}
