/// What a rule measures over the events (or gauge samples) of a group.
///
/// Event metrics: `count`, `rate` (events per second over the time the group's events span), `error_rate`,
/// `timeout_rate`, `avg`, `min`, `max`, `sum` (of durations), `pNN` / `pNN.N` (duration quantiles),
/// `sum:ATTR`, `avg:ATTR`, `min:ATTR`, `max:ATTR` (numeric attributes), `distinct:ATTR` (distinct values).
/// Gauge metrics: `last`, `avg`, `min`, `max`, `count`.
public enum Metric: Sendable, Hashable, CustomStringConvertible {
    /// `count`: events (or samples).
    case count
    /// `rate`: events per second over the time the group's events span.
    case rate
    /// `error_rate`: failed events (status not ok) over all.
    case errorRate
    /// `timeout_rate`: timed-out events over all.
    case timeoutRate
    /// `avg`: mean duration.
    case averageDuration
    /// `min`: shortest duration.
    case minimumDuration
    /// `max`: longest duration.
    case maximumDuration
    /// `sum`: total duration.
    case totalDuration
    /// A duration quantile, `q` in (0, 1].
    case quantile(Double)
    /// `sum:ATTR`: sum of a numeric attribute.
    case attributeSum(String)
    /// `avg:ATTR`: mean of a numeric attribute over events that have it.
    case attributeAverage(String)
    /// `min:ATTR`: smallest value of a numeric attribute.
    case attributeMinimum(String)
    /// `max:ATTR`: largest value of a numeric attribute.
    case attributeMaximum(String)
    /// `distinct:ATTR`: number of distinct values of a label or attribute.
    case distinct(String)
    /// Gauge `last`: the latest sample by timestamp.
    case gaugeLast
    /// Gauge `avg`: mean of the samples.
    case gaugeAverage
    /// Gauge `min`: smallest sample.
    case gaugeMinimum
    /// Gauge `max`: largest sample.
    case gaugeMaximum

    /// The metric names accepted for events, for messages.
    static let eventNames = [
        "count", "rate", "error_rate", "timeout_rate", "avg", "min", "max", "sum", "pNN", "pNN.N",
        "sum:ATTR", "avg:ATTR", "min:ATTR", "max:ATTR", "distinct:ATTR",
    ]
    /// The metric names accepted for gauges, for messages.
    static let gaugeNames = ["last", "avg", "min", "max", "count"]

    /// Reads a metric name for an event rule (`gauge == false`) or a gauge rule.
    ///
    /// - Returns: `nil` when the name is not a metric of that source.
    init?(parsing text: String, gauge: Bool) {
        if gauge {
            switch text {
            case "last": self = .gaugeLast
            case "avg": self = .gaugeAverage
            case "min": self = .gaugeMinimum
            case "max": self = .gaugeMaximum
            case "count": self = .count
            default: return nil
            }
            return
        }
        switch text {
        case "count": self = .count
        case "rate": self = .rate
        case "error_rate": self = .errorRate
        case "timeout_rate": self = .timeoutRate
        case "avg": self = .averageDuration
        case "min": self = .minimumDuration
        case "max": self = .maximumDuration
        case "sum": self = .totalDuration
        default:
            if let colon = text.firstIndex(of: ":") {
                let function = text[..<colon]
                let attribute = String(text[text.index(after: colon)...])
                guard !attribute.isEmpty, !attribute.contains(":") else { return nil }
                switch function {
                case "sum": self = .attributeSum(attribute)
                case "avg": self = .attributeAverage(attribute)
                case "min": self = .attributeMinimum(attribute)
                case "max": self = .attributeMaximum(attribute)
                case "distinct": self = .distinct(attribute)
                default: return nil
                }
                return
            }
            guard text.hasPrefix("p"), text.count > 1 else { return nil }
            let digits = text.dropFirst()
            guard digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), digits.first != ".",
                let percent = Double(digits), percent > 0, percent <= 100
            else { return nil }
            self = .quantile(percent / 100)
        }
    }

    /// What the metric's value measures, given the attribute or gauge name's unit suffix.
    func kind(gaugeName: String?) -> ValueKind {
        unit(gaugeName: gaugeName).kind
    }

    /// The kind and scale of the values the metric reads.
    func unit(gaugeName: String?) -> SourceUnit {
        switch self {
        case .count, .rate, .distinct: return SourceUnit(kind: .count)
        case .errorRate, .timeoutRate: return SourceUnit(kind: .ratio)
        case .averageDuration, .minimumDuration, .maximumDuration, .totalDuration, .quantile:
            return SourceUnit(kind: .duration)
        case .attributeSum(let name), .attributeAverage(let name), .attributeMinimum(let name),
            .attributeMaximum(let name):
            return SourceUnit(name: name)
        case .gaugeLast, .gaugeAverage, .gaugeMinimum, .gaugeMaximum:
            return SourceUnit(name: gaugeName ?? "")
        }
    }

    /// The attribute a metric reads, if any.
    var attribute: String? {
        switch self {
        case .attributeSum(let name), .attributeAverage(let name), .attributeMinimum(let name),
            .attributeMaximum(let name), .distinct(let name):
            return name
        default: return nil
        }
    }

    /// Whether evaluating the metric needs a quantile sketch of durations.
    var needsSketch: Bool {
        if case .quantile = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .count: return "count"
        case .rate: return "rate"
        case .errorRate: return "error_rate"
        case .timeoutRate: return "timeout_rate"
        case .averageDuration, .gaugeAverage: return "avg"
        case .minimumDuration, .gaugeMinimum: return "min"
        case .maximumDuration, .gaugeMaximum: return "max"
        case .totalDuration: return "sum"
        case .gaugeLast: return "last"
        case .quantile(let q): return "p" + NumberText.format(q * 100, decimals: 3)
        case .attributeSum(let name): return "sum:\(name)"
        case .attributeAverage(let name): return "avg:\(name)"
        case .attributeMinimum(let name): return "min:\(name)"
        case .attributeMaximum(let name): return "max:\(name)"
        case .distinct(let name): return "distinct:\(name)"
        }
    }
}
