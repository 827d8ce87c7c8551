/// What a metric's value measures. It decides which threshold units fit the metric and how values print.
///
/// Values are compared in one canonical unit per kind: milliseconds for durations, a fraction (0…1) for
/// ratios, bytes for sizes, the plain number otherwise.
public enum ValueKind: String, Sendable, Hashable, CustomStringConvertible {
    /// A time, compared in milliseconds; thresholds need a time unit (`"> 3s"`).
    case duration
    /// A fraction of 1 (error rate, cache hit rate); thresholds are percentages or plain fractions.
    case ratio
    /// A size, compared in bytes; thresholds need a size unit (`"> 100MB"`).
    case bytes
    /// A number of things (events, distinct values, events per second); thresholds are plain numbers.
    case count
    /// A number whose unit Vitals does not know; thresholds are plain numbers, or percentages read as fractions.
    case number

    public var description: String { rawValue }

    /// How a value of this kind may be written in a threshold, for error messages.
    var expectation: String {
        switch self {
        case .duration: return "a duration with a unit (ns, µs, ms, s, m, h), e.g. \"> 3s\""
        case .ratio: return "a percentage or a fraction, e.g. \"> 5%\" or \"> 0.05\""
        case .bytes: return "a size with a unit (B, KB, MB, GB), e.g. \"> 100MB\""
        case .count: return "a plain number, e.g. \"> 50\""
        case .number: return "a plain number, or a percentage read as a fraction (\"< 87%\" is below 0.87)"
        }
    }
}

/// A unit written after a threshold's number.
public enum ThresholdUnit: String, Sendable, Hashable, CaseIterable {
    /// `ns`.
    case nanoseconds = "ns"
    /// `µs` (also `us`, `μs`).
    case microseconds = "µs"
    /// `ms`.
    case milliseconds = "ms"
    /// `s`.
    case seconds = "s"
    /// `m` (minutes).
    case minutes = "m"
    /// `h`.
    case hours = "h"
    /// `%`: hundredths.
    case percent = "%"
    /// `B`.
    case bytes = "B"
    /// `KB`: 1024 bytes.
    case kilobytes = "KB"
    /// `MB`: 1024 KB.
    case megabytes = "MB"
    /// `GB`: 1024 MB.
    case gigabytes = "GB"

    /// The unit for its written form: `µs`, `μs` and `us` are microseconds; sizes ignore case.
    init?(spelling: String) {
        switch spelling {
        case "ns": self = .nanoseconds
        case "µs", "μs", "us": self = .microseconds
        case "ms": self = .milliseconds
        case "s": self = .seconds
        case "m": self = .minutes
        case "h": self = .hours
        case "%": self = .percent
        default:
            switch spelling.uppercased() {
            case "B": self = .bytes
            case "KB": self = .kilobytes
            case "MB": self = .megabytes
            case "GB": self = .gigabytes
            default: return nil
            }
        }
    }

    /// The kind of value this unit measures (`nil` for a percentage, which fits ratios and plain numbers).
    var kind: ValueKind? {
        switch self {
        case .nanoseconds, .microseconds, .milliseconds, .seconds, .minutes, .hours: return .duration
        case .bytes, .kilobytes, .megabytes, .gigabytes: return .bytes
        case .percent: return nil
        }
    }

    /// Converts a number in this unit to the canonical unit of its kind.
    var scale: UnitScale {
        switch self {
        case .nanoseconds: return UnitScale(divisor: 1_000_000)
        case .microseconds: return UnitScale(divisor: 1000)
        case .milliseconds: return UnitScale()
        case .seconds: return UnitScale(multiplier: 1000)
        case .minutes: return UnitScale(multiplier: 60_000)
        case .hours: return UnitScale(multiplier: 3_600_000)
        case .percent: return UnitScale(divisor: 100)
        case .bytes: return UnitScale()
        case .kilobytes: return UnitScale(multiplier: 1024)
        case .megabytes: return UnitScale(multiplier: 1024 * 1024)
        case .gigabytes: return UnitScale(multiplier: 1024 * 1024 * 1024)
        }
    }

    /// Formats a canonical value in this unit: `3.25s`, `87.5%`, `104MB`.
    func format(_ canonical: Double) -> String {
        NumberText.format(scale.fromCanonical(canonical)) + rawValue
    }
}

/// A conversion to a canonical unit by one multiplication and one division, kept separate so that exact
/// inputs stay exact (`95 / 100` is the same double as `"95%"`, `95 * 0.01` is not).
struct UnitScale: Sendable, Hashable {
    var multiplier: Double = 1
    var divisor: Double = 1

    func toCanonical(_ value: Double) -> Double {
        var result = value
        if multiplier != 1 { result *= multiplier }
        if divisor != 1 { result /= divisor }
        return result
    }

    func fromCanonical(_ value: Double) -> Double {
        var result = value
        if divisor != 1 { result *= divisor }
        if multiplier != 1 { result /= multiplier }
        return result
    }
}

/// The unit of an attribute or gauge, read from the suffix of its name (`latency_ms`, `memory_mb`,
/// `workload_pct`, `cache_hit_rate`); names without a known suffix are plain numbers.
///
/// | suffix | kind | example |
/// | --- | --- | --- |
/// | `_ns`, `_us`, `_ms`, `_s`, `_sec`, `_seconds` | duration | `init_ms` |
/// | `_bytes`, `_kb`, `_mb`, `_gb` (×1024) | bytes | `memory_mb` |
/// | `_pct`, `_percent` (0–100) | ratio | `workload_pct` |
/// | `_ratio`, `_rate` (0–1) | ratio | `cache_hit_rate` |
/// | `_per_s`, `_per_sec`, `_per_second` | number | `tokens_per_s` |
struct SourceUnit: Sendable, Hashable {
    var kind: ValueKind
    var scale: UnitScale

    init(kind: ValueKind, scale: UnitScale = UnitScale()) {
        self.kind = kind
        self.scale = scale
    }

    init(name: String) {
        let lower = name.lowercased()
        let suffixes: [(String, SourceUnit)] = [
            // A rate per second (`tokens_per_s`) is a number, not a duration in seconds.
            ("_per_s", SourceUnit(kind: .number)),
            ("_per_sec", SourceUnit(kind: .number)),
            ("_per_second", SourceUnit(kind: .number)),
            ("_ns", SourceUnit(kind: .duration, scale: ThresholdUnit.nanoseconds.scale)),
            ("_us", SourceUnit(kind: .duration, scale: ThresholdUnit.microseconds.scale)),
            ("_ms", SourceUnit(kind: .duration)),
            ("_seconds", SourceUnit(kind: .duration, scale: ThresholdUnit.seconds.scale)),
            ("_sec", SourceUnit(kind: .duration, scale: ThresholdUnit.seconds.scale)),
            ("_s", SourceUnit(kind: .duration, scale: ThresholdUnit.seconds.scale)),
            ("_bytes", SourceUnit(kind: .bytes)),
            ("_kb", SourceUnit(kind: .bytes, scale: ThresholdUnit.kilobytes.scale)),
            ("_mb", SourceUnit(kind: .bytes, scale: ThresholdUnit.megabytes.scale)),
            ("_gb", SourceUnit(kind: .bytes, scale: ThresholdUnit.gigabytes.scale)),
            ("_pct", SourceUnit(kind: .ratio, scale: ThresholdUnit.percent.scale)),
            ("_percent", SourceUnit(kind: .ratio, scale: ThresholdUnit.percent.scale)),
            ("_ratio", SourceUnit(kind: .ratio)),
            ("_rate", SourceUnit(kind: .ratio)),
        ]
        for (suffix, unit) in suffixes where lower.hasSuffix(suffix) && lower.count > suffix.count {
            self = unit
            return
        }
        self = SourceUnit(kind: .number)
    }
}

/// Number formatting shared by every renderer: at most three decimals, no trailing zeros.
enum NumberText {
    /// `3`, `3.25`, `0.001`, `1234567`; non-finite values as `-`.
    static func format(_ value: Double, decimals: Int = 3) -> String {
        guard value.isFinite else { return "-" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var power = 1.0
        for _ in 0..<decimals { power *= 10 }
        let rounded = (value * power).rounded() / power
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(rounded)) }
        var text = String(rounded)
        if text.contains("e") { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A duration in milliseconds in the largest unit that keeps it at or above 1: `850ms`, `3.2s`, `2.5m`.
    static func duration(milliseconds value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 3_600_000 { return format(value / 3_600_000, decimals: 2) + "h" }
        if magnitude >= 60_000 { return format(value / 60_000, decimals: 2) + "m" }
        if magnitude >= 1000 { return format(value / 1000, decimals: 3) + "s" }
        if magnitude >= 1 || magnitude == 0 { return format(value, decimals: 3) + "ms" }
        return format(value * 1000, decimals: 3) + "µs"
    }

    /// A size in bytes in binary units: `512B`, `1.5KB`, `104MB`.
    static func bytes(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1024 * 1024 * 1024 { return format(value / (1024 * 1024 * 1024), decimals: 2) + "GB" }
        if magnitude >= 1024 * 1024 { return format(value / (1024 * 1024), decimals: 2) + "MB" }
        if magnitude >= 1024 { return format(value / 1024, decimals: 2) + "KB" }
        return format(value) + "B"
    }

    /// A canonical value of `kind` in a readable unit.
    static func value(_ value: Double, kind: ValueKind) -> String {
        switch kind {
        case .duration: return duration(milliseconds: value)
        case .ratio: return format(value * 100, decimals: 2) + "%"
        case .bytes: return bytes(value)
        case .count, .number: return format(value)
        }
    }
}

/// Command-line quantities: `10%` or `0.1` as a ratio, `1ms` or `0.5` (milliseconds) as a duration, `100MB`
/// as megabytes.
package enum QuantityText {
    /// A ratio: a percentage or a plain fraction.
    package static func ratio(_ text: String) -> Double? {
        parse(text).flatMap { number, unit in
            unit == nil ? number : unit == .percent ? unit!.scale.toCanonical(number) : nil
        }
    }

    /// Megabytes (binary): a size with a unit, or a plain number of megabytes.
    package static func megabytes(_ text: String) -> Double? {
        parse(text).flatMap { number, unit in
            guard let unit else { return number }
            return unit.kind == .bytes ? unit.scale.toCanonical(number) / (1024 * 1024) : nil
        }
    }

    private static func parse(_ text: String) -> (Double, ThresholdUnit?)? {
        let trimmed = text.filter { $0 != " " }
        let end = trimmed.firstIndex(where: { !($0.isNumber || $0 == ".") }) ?? trimmed.endIndex
        guard let number = Double(trimmed[..<end]), number >= 0 else { return nil }
        let unitText = String(trimmed[end...])
        if unitText.isEmpty { return (number, nil) }
        guard let unit = ThresholdUnit(spelling: unitText) else { return nil }
        return (number, unit)
    }
}
