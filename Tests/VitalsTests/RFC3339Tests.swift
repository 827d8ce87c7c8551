import Testing

@testable import Vitals

@Suite struct RFC3339Tests {
    /// 2025-12-15T04:08:08Z in seconds since the epoch (checked with `date -u -d … +%s`).
    static let seedSecond: Int64 = 1_765_771_688

    @Test func parsesTheSeedFormat() throws {
        let timestamp = try #require(Timestamp(rfc3339: "2025-12-15T04:08:08.123456Z"))
        #expect(timestamp.nanosecondsSinceEpoch == Self.seedSecond * 1_000_000_000 + 123_456_000)
    }

    @Test(arguments: [
        ("2025-12-15T04:08:08Z", Int64(0)),
        ("2025-12-15T04:08:08.5Z", 500_000_000),
        ("2025-12-15T04:08:08.123Z", 123_000_000),
        ("2025-12-15T04:08:08.123456789Z", 123_456_789),
        ("2025-12-15T04:08:08.1234567891234Z", 123_456_789),
        ("2025-12-15t04:08:08.000001z", 1000),
        ("2025-12-15 04:08:08.25Z", 250_000_000),
    ])
    func acceptsFractionsSeparatorsAndCase(text: String, nanoseconds: Int64) throws {
        let timestamp = try #require(Timestamp(rfc3339: text))
        #expect(timestamp.nanosecondsSinceEpoch == Self.seedSecond * 1_000_000_000 + nanoseconds)
    }

    @Test(arguments: [
        "2025-12-15T05:08:08+01:00",
        "2025-12-14T23:08:08-05:00",
        "2025-12-15T09:38:08+05:30",
        "2025-12-15T04:08:08-00:00",
        "2025-12-15T04:08:08+00:00",
    ])
    func appliesOffsets(text: String) throws {
        let timestamp = try #require(Timestamp(rfc3339: text))
        #expect(timestamp.nanosecondsSinceEpoch == Self.seedSecond * 1_000_000_000)
    }

    @Test func acceptsLeapDaysOnlyInLeapYears() {
        #expect(Timestamp(rfc3339: "2024-02-29T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2000-02-29T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2023-02-29T00:00:00Z") == nil)
        #expect(Timestamp(rfc3339: "2100-02-29T00:00:00Z") == nil)
        #expect(Timestamp(rfc3339: "1900-02-29T00:00:00Z") == nil)
    }

    @Test func readsALeapSecondAsTheEndOfItsMinute() throws {
        let leap = try #require(Timestamp(rfc3339: "2016-12-31T23:59:60Z"))
        let before = try #require(Timestamp(rfc3339: "2016-12-31T23:59:59.999999999Z"))
        #expect(leap == before)
        let withFraction = try #require(Timestamp(rfc3339: "2016-12-31T23:59:60.5Z"))
        #expect(withFraction == before)
    }

    @Test(arguments: [
        "",
        "2025-12-15",
        "2025-12-15T04:08:08",
        "2025-12-15T04:08:08.Z",
        "2025-12-15T04:08:08.123",
        "2025-13-15T04:08:08Z",
        "2025-00-15T04:08:08Z",
        "2025-12-00T04:08:08Z",
        "2025-12-32T04:08:08Z",
        "2025-04-31T04:08:08Z",
        "2025-12-15T24:00:00Z",
        "2025-12-15T04:60:08Z",
        "2025-12-15T04:08:61Z",
        "2025-12-15T04:08:08+24:00",
        "2025-12-15T04:08:08+01:60",
        "2025-12-15T04:08:08+0100",
        "2025-12-15T04:08:08 Z",
        "2025-12-15T04:08:08Zjunk",
        "2025-12-15X04:08:08Z",
        "2025/12/15T04:08:08Z",
        "20251215T040808Z",
        "2025-1a-15T04:08:08Z",
        "0000-01-01T00:00:00Z",
        " 2025-12-15T04:08:08Z",
    ])
    func rejectsInvalidText(text: String) {
        #expect(Timestamp(rfc3339: text) == nil, "\(text)")
    }

    @Test func coversYearsOneToNineThousandNineHundredNinetyNine() throws {
        // Compare the calendar arithmetic with a day-by-day count from a known anchor.
        #expect(RFC3339.daysSinceEpoch(year: 1970, month: 1, day: 1) == 0)
        #expect(RFC3339.daysSinceEpoch(year: 2000, month: 3, day: 1) == 11_017)
        #expect(RFC3339.daysSinceEpoch(year: 1, month: 1, day: 1) == -719_162)
        #expect(RFC3339.daysSinceEpoch(year: 9999, month: 12, day: 31) == 2_932_896)
        let first = try withBytes("0001-01-01T00:00:00Z") { RFC3339.components($0) }.get()
        #expect(first.seconds == -62_135_596_800)
        let last = try withBytes("9999-12-31T23:59:59.999999999Z") { RFC3339.components($0) }.get()
        #expect(last.seconds == 253_402_300_799)
        #expect(last.nanoseconds == 999_999_999)
        for year in [1, 4, 100, 400, 1582, 1900, 1970, 2000, 2024, 9999] {
            var days = RFC3339.daysSinceEpoch(year: year, month: 1, day: 1)
            for month in 1...12 {
                for day in 1...RFC3339.daysInMonth(year: year, month: month) {
                    #expect(RFC3339.daysSinceEpoch(year: year, month: month, day: day) == days)
                    let date = RFC3339.civilDate(daysSinceEpoch: days)
                    #expect(date.year == Int64(year) && date.month == month && date.day == day)
                    days += 1
                }
            }
        }
    }

    @Test func rejectsInstantsATimestampCannotHold() {
        #expect(Timestamp(rfc3339: "0001-01-01T00:00:00Z") == nil)
        #expect(Timestamp(rfc3339: "9999-12-31T23:59:59Z") == nil)
        #expect(Timestamp(rfc3339: "1677-09-22T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2262-04-11T00:00:00Z") != nil)
        if case .failure(let failure) = withBytes("9999-12-31T23:59:59Z", { RFC3339.parse($0) }) {
            #expect(failure.reason.contains("supported range"))
        } else {
            Issue.record("9999 should not fit in a Timestamp")
        }
    }

    @Test func formatsInUTCWithMicroseconds() throws {
        let timestamp = try #require(Timestamp(rfc3339: "2025-12-15T05:08:08.123456789+01:00"))
        #expect(timestamp.rfc3339 == "2025-12-15T04:08:08.123456Z")
        #expect(Timestamp(nanosecondsSinceEpoch: 0).rfc3339 == "1970-01-01T00:00:00.000000Z")
        #expect(Timestamp(nanosecondsSinceEpoch: -1).rfc3339 == "1969-12-31T23:59:59.999999Z")
        #expect(Timestamp(nanosecondsSinceEpoch: .min).rfc3339 == "1677-09-21T00:12:43.145224Z")
        #expect(Timestamp(nanosecondsSinceEpoch: .max).rfc3339 == "2262-04-11T23:47:16.854775Z")
        var bytes: [UInt8] = Array("x".utf8)
        timestamp.appendRFC3339(to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "x2025-12-15T04:08:08.123456Z")
    }

    @Test func formatThenParseIsTheIdentityAtMicrosecondPrecision() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let micros = Int64(bitPattern: state) / 1000
            let timestamp = Timestamp(nanosecondsSinceEpoch: micros * 1000)
            #expect(Timestamp(rfc3339: timestamp.rfc3339) == timestamp, "\(timestamp.rfc3339)")
        }
    }

    @Test func parsesFromBytes() throws {
        let text = Array("2025-12-15T04:08:08.123456Z".utf8)
        let timestamp = text.withUnsafeBytes { Timestamp(rfc3339: $0) }
        #expect(timestamp?.rfc3339 == "2025-12-15T04:08:08.123456Z")
    }

    private func withBytes<Result>(_ text: String, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        Array(text.utf8).withUnsafeBytes(body)
    }
}
