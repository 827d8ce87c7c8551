import Vitals
import VitalsStore

/// A query parameter that cannot be used; the message names the parameter and what was expected.
struct QueryError: Error, Sendable, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// The parameters of `GET /v1/stats`, `/v1/timeseries`, `/v1/events`, `/v1/series` and `/v1/report`:
///
/// - `event=NAME` or `metric=NAME` (a gauge);
/// - `label.KEY=VALUE` (also `label.KEY=A,B` for any of several values, `label.KEY=~REGEX`, and `label.KEY!=VALUE`
///   written as the parameter `label.KEY!` with the value);
/// - `by=KEY[,KEY]`;
/// - `from`/`to` (RFC 3339) or `window=1h` (ending now, or at `to`); default the last hour;
/// - `step=1m` (whole minutes), `sort=-duration|-time|time`, `status=error`, `limit=N`, `quantiles=0.5,0.9`.
struct QueryParameters: Sendable {
    enum Subject: Sendable, Hashable {
        case event(String)
        case metric(String)
    }

    var subject: Subject?
    var matchers: [LabelMatcher] = []
    var groupBy: [String] = []
    var range = TimeRange(from: Timestamp(nanosecondsSinceEpoch: 0), to: Timestamp(nanosecondsSinceEpoch: 0))
    var step: Duration?
    var order: EventQuery.Order = .newestFirst
    var failedOnly = false
    var limit: Int?
    var quantiles: [Double] = [0.5, 0.95, 0.99]
    var format: String?

    static let maximumLimit = 10_000
    static let known: Set<String> = [
        "event", "metric", "by", "from", "to", "window", "step", "sort", "status", "limit", "quantiles", "format",
    ]

    /// Parses `(name, value)` pairs, as decoded from the query string.
    init(_ pairs: [(key: String, value: String)], now: Timestamp = .now()) throws(QueryError) {
        var from: Timestamp?
        var to: Timestamp?
        var window: Duration?
        for (key, value) in pairs {
            if key.hasPrefix("label.") {
                try addMatcher(key: String(key.dropFirst(6)), value: value)
                continue
            }
            switch key {
            case "event", "metric":
                guard subject == nil else {
                    throw QueryError("\(key): give one of `event` and `metric`, once")
                }
                guard !value.isEmpty else { throw QueryError("\(key): expected a name, got an empty value") }
                subject = key == "event" ? .event(value) : .metric(value)
            case "by":
                groupBy = value.split(separator: ",").map { String($0) }
                guard !groupBy.isEmpty, groupBy.allSatisfy(Self.isLabelKey) else {
                    throw QueryError("by=\(value): expected label keys separated by commas, e.g. by=agent_id,model")
                }
            case "from": from = try Self.time(value, "from")
            case "to": to = try Self.time(value, "to")
            case "window":
                guard let duration = DurationText.parse(value), duration > .zero else {
                    throw QueryError("window=\(value): expected a positive duration such as 15m, 1h or 7d")
                }
                window = duration
            case "step":
                guard let duration = DurationText.parse(value), duration >= .seconds(60),
                    duration.components.seconds % 60 == 0, duration.components.attoseconds == 0
                else {
                    throw QueryError("step=\(value): expected a whole number of minutes such as 1m, 5m or 1h")
                }
                step = duration
            case "sort":
                switch value {
                case "-duration": order = .slowestFirst
                case "-time": order = .newestFirst
                case "time": order = .oldestFirst
                default:
                    throw QueryError("sort=\(value): expected -duration (slowest first), -time (newest first) or time")
                }
            case "status":
                guard value == "error" else {
                    throw QueryError("status=\(value): expected status=error (failed events only)")
                }
                failedOnly = true
            case "limit":
                guard let number = Int(value), (1...Self.maximumLimit).contains(number) else {
                    throw QueryError("limit=\(value): expected a whole number from 1 to \(Self.maximumLimit)")
                }
                limit = number
            case "quantiles":
                let values = value.split(separator: ",").map { Double($0) }
                guard !values.isEmpty, values.count <= 20,
                    values.allSatisfy({ $0.map { $0 >= 0 && $0 <= 1 } == true })
                else {
                    throw QueryError(
                        "quantiles=\(value): expected numbers from 0 to 1 separated by commas, e.g. 0.5,0.99"
                    )
                }
                quantiles = values.compactMap { $0 }
            case "format": format = value
            default:
                throw QueryError(
                    "\(key): unknown parameter; expected event, metric, label.KEY, by, from, to, window, step, sort, "
                        + "status, limit, quantiles or format"
                )
            }
        }
        if window != nil && from != nil {
            throw QueryError("window: give either window or from, not both")
        }
        let end = to ?? now
        let start: Timestamp
        if let from {
            start = from
        } else {
            let span = window ?? .seconds(3_600)
            let (moved, overflow) = end.nanosecondsSinceEpoch.subtractingReportingOverflow(span.nanoseconds)
            start = Timestamp(nanosecondsSinceEpoch: overflow ? .min : moved)
        }
        guard start < end else {
            throw QueryError("from: the range is empty; expected from earlier than to")
        }
        range = TimeRange(from: start, to: end)
    }

    /// The event name, or a 400 naming `event`.
    func requireEvent(_ route: String) throws(QueryError) -> String {
        guard case .event(let name) = subject else {
            throw QueryError("event: \(route) needs event=NAME")
        }
        return name
    }

    private mutating func addMatcher(key rawKey: String, value: String) throws(QueryError) {
        var key = rawKey
        var negated = false
        if key.hasSuffix("!") {
            key.removeLast()
            negated = true
        }
        guard Self.isLabelKey(key) else {
            throw QueryError("label.\(rawKey): expected label.KEY=VALUE with a key of letters, digits, _, . or -")
        }
        if negated {
            matchers.append(.notEqual(key, value))
        } else if value.hasPrefix("~") {
            do {
                matchers.append(try .regex(key, String(value.dropFirst())))
            } catch {
                throw QueryError("label.\(key)=\(value): the pattern is not a valid regular expression (\(error))")
            }
        } else if value.contains(",") {
            matchers.append(.oneOf(key, value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        } else {
            matchers.append(.equal(key, value))
        }
    }

    private static func time(_ text: String, _ name: String) throws(QueryError) -> Timestamp {
        guard let time = Timestamp(rfc3339: text) else {
            throw QueryError("\(name)=\(text): expected an RFC 3339 time such as 2026-12-01T10:00:00Z")
        }
        return time
    }

    /// The number of steps of `step` in the range, in floating point: a range may span the whole `Int64`
    /// nanosecond scale, whose width overflows an `Int64`.
    func stepCount(_ step: Duration) -> Double {
        (range.seconds / (Double(step.nanoseconds) / 1e9)).rounded(.up)
    }

    static func isLabelKey(_ key: some StringProtocol) -> Bool {
        !key.isEmpty && key.utf8.count <= 128
            && key.unicodeScalars.allSatisfy {
                ($0.value < 128)
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0))
            }
    }
}
