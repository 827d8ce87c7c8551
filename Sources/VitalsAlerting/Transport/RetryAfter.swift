public import Vitals
import VitalsStore

/// When a receiver asks to be tried again: the `Retry-After` field of a 429 or 503 answer (RFC 9110, 10.2.3).
///
/// ```swift
/// RetryAfter(fieldValue: "120")                            // .seconds(120)
/// RetryAfter(fieldValue: "Sun, 06 Nov 1994 08:49:37 GMT")  // .date(…)
/// RetryAfter(fieldValue: "soon")                           // nil
/// ```
public enum RetryAfter: Sendable, Hashable {
    /// A delay in whole seconds.
    case seconds(Int64)
    /// A moment, from an HTTP-date.
    case date(Timestamp)

    /// Parses a field value: a number of seconds (`delay-seconds`) or an HTTP-date in any of its three forms
    /// (`Sun, 06 Nov 1994 08:49:37 GMT`, the obsolete `Sunday, 06-Nov-94 08:49:37 GMT` and
    /// `Sun Nov  6 08:49:37 1994`); `nil` for anything else.
    ///
    /// - Parameter fieldValue: The field's value, with or without surrounding spaces.
    public init?(fieldValue: String) {
        let text = fieldValue.trimmingWhitespace()
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // More digits than an Int64 holds is still "a very long time".
            self = .seconds(Int64(text) ?? .max)
            return
        }
        guard let date = HTTPDate.parse(text) else { return nil }
        self = .date(date)
    }

    /// The wait from `now`: the seconds, or the time until the date (zero when it has passed).
    ///
    /// - Parameter now: The current wall-clock time.
    /// - Returns: A duration of zero or more.
    public func delay(from now: Timestamp) -> Duration {
        switch self {
        case .seconds(let seconds):
            return .seconds(max(0, seconds))
        case .date(let date):
            let nanoseconds = date.nanosecondsSinceEpoch.subtractingReportingOverflow(now.nanosecondsSinceEpoch)
            return nanoseconds.overflow || nanoseconds.partialValue < 0 ? .zero : .nanoseconds(nanoseconds.partialValue)
        }
    }
}

/// The three HTTP-date forms of RFC 9110, 5.6.7, always in GMT.
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func parse(_ text: Substring) -> Timestamp? {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        if words.count == 6, words[0].hasSuffix(","), words[5] == "GMT", let year = Int(words[3]), words[3].count == 4 {
            return timestamp(year: year, month: words[2], day: words[1], time: words[4])
        }
        // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT. Its two-digit year is read as POSIX `%y` reads it (69 and
        // below are 20xx): close enough to RFC 9110's "not more than 50 years ahead" for a date that only says
        // when to come back.
        if words.count == 4, words[0].hasSuffix(","), words[3] == "GMT" {
            let date = words[1].split(separator: "-")
            guard date.count == 3, date[2].count == 2, let year = Int(date[2]) else { return nil }
            return timestamp(year: (year < 69 ? 2000 : 1900) + year, month: date[1], day: date[0], time: words[2])
        }
        // asctime: Sun Nov  6 08:49:37 1994
        if words.count == 5, let year = Int(words[4]), words[4].count == 4 {
            return timestamp(year: year, month: words[1], day: words[2], time: words[3])
        }
        return nil
    }

    private static func timestamp(
        year: Int,
        month monthName: Substring,
        day dayText: Substring,
        time: Substring
    )
        -> Timestamp?
    {
        guard let monthIndex = months.firstIndex(of: monthName.lowercased()), (1...2).contains(dayText.count),
            let day = Int(dayText)
        else { return nil }
        let month = monthIndex + 1
        let parts = time.split(separator: ":", omittingEmptySubsequences: false)
        guard (1970...9999).contains(year), (1...RFC3339.daysInMonth(year: year, month: month)).contains(day),
            parts.count == 3, parts.allSatisfy({ $0.count == 2 }),
            let hour = Int(parts[0]), let minute = Int(parts[1]), let second = Int(parts[2]),
            (0..<24).contains(hour), (0..<60).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = RFC3339.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3_600 + minute * 60 + min(second, 59))
        let (nanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? nil : Timestamp(nanosecondsSinceEpoch: nanoseconds)
    }
}
