extension Timestamp {
    /// Parses an RFC 3339 timestamp such as `2025-12-15T04:08:08.123456Z`.
    ///
    /// Accepted: `T`, `t` or a space between date and time; 0 to 9 fractional digits (further digits are
    /// truncated); `Z`, `z` or a `+HH:MM`/`-HH:MM` offset; a leap second `:60`, read as `:59.999999999`. Every
    /// field is range-checked, leap years included. Years 0001–9999 are understood, but a `Timestamp` holds
    /// nanoseconds in 64 bits, so only instants between 1677-09-21 and 2262-04-11 can be represented; others
    /// give `nil` like any invalid text.
    ///
    /// ```swift
    /// let start = Timestamp(rfc3339: "2025-12-15T05:08:08.5+01:00")
    /// print(start?.rfc3339 ?? "-")  // 2025-12-15T04:08:08.500000Z
    /// ```
    public init?(rfc3339 text: String) {
        var text = text
        let result = text.withUTF8 { RFC3339.parse(UnsafeRawBufferPointer($0)) }
        guard case .success(let timestamp) = result else { return nil }
        self = timestamp
    }

    /// Parses an RFC 3339 timestamp from UTF-8 bytes (without quotes); see ``init(rfc3339:)-(String)``.
    public init?(rfc3339 bytes: UnsafeRawBufferPointer) {
        guard case .success(let timestamp) = RFC3339.parse(bytes) else { return nil }
        self = timestamp
    }

    /// The timestamp as RFC 3339 in UTC with exactly six fractional digits: `2025-12-15T04:08:08.123456Z`.
    ///
    /// Nanoseconds beyond the microsecond are truncated (towards the past), which is the format the JSONL
    /// writer uses.
    public var rfc3339: String {
        String(unsafeUninitializedCapacity: RFC3339.formattedLength) { buffer in
            RFC3339.format(self, into: UnsafeMutableRawPointer(buffer.baseAddress!))
            return RFC3339.formattedLength
        }
    }

    /// Appends ``rfc3339`` as UTF-8 to `buffer`, without allocating a string.
    package func appendRFC3339(to buffer: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: RFC3339.formattedLength) { scratch in
            RFC3339.format(self, into: UnsafeMutableRawPointer(scratch.baseAddress!))
            buffer.append(contentsOf: scratch)
        }
    }
}

/// Why an RFC 3339 text was rejected.
package struct RFC3339Failure: Error, Sendable, Equatable {
    package enum Reason: UInt8, Sendable {
        case tooShort, layout, separator, digits, fraction, zone, offset, trailing
        case year, month, day, hour, minute, second, unrepresentable
    }

    package let code: Reason

    /// A short human explanation (`month out of range`).
    package var reason: String {
        switch code {
        case .tooShort: return "too short for YYYY-MM-DDThh:mm:ssZ"
        case .layout: return "expected YYYY-MM-DDThh:mm:ss"
        case .separator: return "expected 'T' between date and time"
        case .digits: return "expected digits in YYYY-MM-DDThh:mm:ss"
        case .fraction: return "expected digits after '.'"
        case .zone: return "missing time zone ('Z' or ±hh:mm)"
        case .offset: return "expected offset ±hh:mm with hh <= 23 and mm <= 59"
        case .trailing: return "unexpected text after the time zone"
        case .year: return "year out of range"
        case .month: return "month out of range"
        case .day: return "day out of range"
        case .hour: return "hour out of range"
        case .minute: return "minute out of range"
        case .second: return "second out of range"
        case .unrepresentable: return "outside the supported range 1677-09-21…2262-04-11"
        }
    }
}

/// The hand-written RFC 3339 parser and formatter behind `Timestamp(rfc3339:)` and `Timestamp.rfc3339`.
///
/// Date arithmetic uses the proleptic Gregorian calendar and counts days from 1970-01-01 with the
/// era-of-400-years method, so no table and no Foundation calendar is involved.
package enum RFC3339 {
    /// Length of `YYYY-MM-DDThh:mm:ss.ffffffZ`.
    package static let formattedLength = 27
    private static let nanosecondsPerSecond: Int64 = 1_000_000_000

    /// Parses RFC 3339 text into seconds since the epoch and a nanosecond fraction, for any year 0001–9999.
    package static func components(
        _ bytes: UnsafeRawBufferPointer
    ) -> Result<(seconds: Int64, nanoseconds: Int64), RFC3339Failure> {
        guard let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return .failure(RFC3339Failure(code: .tooShort))
        }
        var seconds: Int64 = 0
        var nanoseconds: Int64 = 0
        var end = 0
        if let failure = parse(p, bytes.count, seconds: &seconds, nanoseconds: &nanoseconds, end: &end) {
            return .failure(RFC3339Failure(code: failure))
        }
        guard end == bytes.count else { return .failure(RFC3339Failure(code: .trailing)) }
        return .success((seconds, nanoseconds))
    }

    /// Parses RFC 3339 text into a `Timestamp`; instants outside the 64-bit nanosecond range fail.
    @inline(__always)
    package static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<Timestamp, RFC3339Failure> {
        guard let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return .failure(RFC3339Failure(code: .tooShort))
        }
        var timestamp = Timestamp(nanosecondsSinceEpoch: 0)
        var end = 0
        if let failure = parse(p, bytes.count, timestamp: &timestamp, end: &end) {
            return .failure(RFC3339Failure(code: failure))
        }
        guard end == bytes.count else { return .failure(RFC3339Failure(code: .trailing)) }
        return .success(timestamp)
    }

    /// Parses an RFC 3339 timestamp at the start of `count` bytes, which may go on after it; `end` is set to
    /// the index after the timestamp. Returns why the text is not a timestamp, or `nil` on success.
    @inline(__always)
    package static func parse(
        _ p: UnsafePointer<UInt8>,
        _ count: Int,
        timestamp: inout Timestamp,
        end: inout Int
    ) -> RFC3339Failure.Reason? {
        var seconds: Int64 = 0
        var nanoseconds: Int64 = 0
        if let failure = parse(p, count, seconds: &seconds, nanoseconds: &nanoseconds, end: &end) { return failure }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: nanosecondsPerSecond)
        let (total, overflow2) = scaled.addingReportingOverflow(nanoseconds)
        guard !overflow, !overflow2 else { return .unrepresentable }
        timestamp = Timestamp(nanosecondsSinceEpoch: total)
        return nil
    }

    /// The parser proper: fills `seconds` and `nanoseconds`, or returns why the text is not RFC 3339.
    @inline(__always)
    private static func parse(
        _ p: UnsafePointer<UInt8>,
        _ count: Int,
        seconds: inout Int64,
        nanoseconds: inout Int64,
        end: inout Int
    ) -> RFC3339Failure.Reason? {
        // The shortest form is `YYYY-MM-DDThh:mm:ssZ`.
        guard count >= 20 else { return .tooShort }
        guard p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"), p[13] == UInt8(ascii: ":"),
            p[16] == UInt8(ascii: ":")
        else { return .layout }
        let separator = p[10] | 0x20  // `T` and `t`; a space stays a space
        guard separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ") else { return .separator }
        guard isDigit(p[0]), isDigit(p[1]), isDigit(p[2]), isDigit(p[3]), isDigit(p[5]), isDigit(p[6]),
            isDigit(p[8]), isDigit(p[9]), isDigit(p[11]), isDigit(p[12]), isDigit(p[14]), isDigit(p[15]),
            isDigit(p[17]), isDigit(p[18])
        else { return .digits }
        // Validate and combine the date and time first, so that little is live across the fraction loop.
        let year = number(p, 0) * 100 + number(p, 2)
        let month = number(p, 5)
        let day = number(p, 8)
        let hour = number(p, 11)
        let minute = number(p, 14)
        let second = number(p, 17)
        guard year >= 1 else { return .year }
        guard month >= 1, month <= 12 else { return .month }
        guard day >= 1, day <= 28 || day <= daysInMonth(year: year, month: month) else { return .day }
        guard hour <= 23 else { return .hour }
        guard minute <= 59 else { return .minute }
        guard second <= 60 else { return .second }
        // A leap second is kept inside its minute (as :59.999999999) rather than spilling into the next one.
        let isLeapSecond = second == 60
        var total =
            daysSinceEpoch(year: year, month: month, day: day) * 86_400
            + Int64(hour * 3600 + minute * 60 + (isLeapSecond ? 59 : second))

        var index = 19
        var fraction: Int64 = 0
        if p[index] == UInt8(ascii: ".") {
            index += 1
            let first = index
            while index < count, isDigit(p[index]) { index += 1 }
            let fractionDigits = index - first
            guard fractionDigits > 0 else { return .fraction }
            for position in first..<(first + min(fractionDigits, 9)) {
                fraction = fraction &* 10 &+ Int64(p[position] &- UInt8(ascii: "0"))
            }
            if fractionDigits < 9 { fraction &*= scales[fractionDigits] }
        }
        if isLeapSecond { fraction = nanosecondsPerSecond - 1 }

        guard index < count else { return .zone }
        switch p[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard count - index >= 6, p[index + 3] == UInt8(ascii: ":"), isDigit(p[index + 1]),
                isDigit(p[index + 2]), isDigit(p[index + 4]), isDigit(p[index + 5])
            else { return .offset }
            let offsetHour = number(p, index + 1)
            let offsetMinute = number(p, index + 4)
            guard offsetHour <= 23, offsetMinute <= 59 else { return .offset }
            let offset = Int64(offsetHour * 3600 + offsetMinute * 60)
            total += p[index] == UInt8(ascii: "-") ? offset : -offset
            index += 6
        default:
            return .zone
        }
        end = index
        seconds = total
        nanoseconds = fraction
        return nil
    }

    /// Multipliers that turn a fraction of n digits into nanoseconds.
    private static let scales: [Int64] = [
        1_000_000_000, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1000, 100, 10, 1,
    ]

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// The two-digit number at `offset` (already checked to be digits).
    @inline(__always)
    private static func number(_ p: UnsafePointer<UInt8>, _ offset: Int) -> Int {
        Int(p[offset] &- UInt8(ascii: "0")) * 10 + Int(p[offset + 1] &- UInt8(ascii: "0"))
    }

    /// Writes `timestamp` as `YYYY-MM-DDThh:mm:ss.ffffffZ` (``formattedLength`` bytes) at `out`.
    package static func format(_ timestamp: Timestamp, into out: UnsafeMutableRawPointer) {
        let nanoseconds = timestamp.nanosecondsSinceEpoch
        var seconds = nanoseconds / nanosecondsPerSecond
        var fraction = nanoseconds % nanosecondsPerSecond
        if fraction < 0 {
            fraction += nanosecondsPerSecond
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let p = out.assumingMemoryBound(to: UInt8.self)
        put(year, width: 4, at: p)
        p[4] = UInt8(ascii: "-")
        put(Int64(month), width: 2, at: p + 5)
        p[7] = UInt8(ascii: "-")
        put(Int64(day), width: 2, at: p + 8)
        p[10] = UInt8(ascii: "T")
        put(secondOfDay / 3600, width: 2, at: p + 11)
        p[13] = UInt8(ascii: ":")
        put(secondOfDay / 60 % 60, width: 2, at: p + 14)
        p[16] = UInt8(ascii: ":")
        put(secondOfDay % 60, width: 2, at: p + 17)
        p[19] = UInt8(ascii: ".")
        put(fraction / 1000, width: 6, at: p + 20)
        p[26] = UInt8(ascii: "Z")
    }

    /// Whether `year` has a 29 February.
    package static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// The number of days of `month` (1–12) in `year`.
    package static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (negative before 1970), for years 1–9999.
    @inline(__always)
    package static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        // Count years from March so that the leap day is the last day of the year; years from 1 on keep
        // every quantity non-negative, which lets the divisions be unsigned (cheaper).
        let marchYear = UInt(truncatingIfNeeded: month <= 2 ? year - 1 : year)
        let era = marchYear / 400
        let yearOfEra = marchYear - era * 400
        let monthFromMarch = UInt(truncatingIfNeeded: month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + UInt(truncatingIfNeeded: day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Int64(era * 146_097 + dayOfEra) - 719_468
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01; inverse of ``daysSinceEpoch(year:month:day:)``.
    package static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1)
        let month = Int(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    @inline(__always)
    private static func put(_ value: Int64, width: Int, at p: UnsafeMutablePointer<UInt8>) {
        var rest = value
        for index in stride(from: width - 1, through: 0, by: -1) {
            p[index] = UInt8(truncatingIfNeeded: rest % 10) &+ UInt8(ascii: "0")
            rest /= 10
        }
    }
}
