import Testing
import Vitals
import VitalsRules

@testable import VitalsCLI

/// Durations are written one way everywhere; a bare number is seconds in flags, query parameters and YAML alike.
@Suite("One duration syntax")
struct DurationSyntaxTests {
    @Test("a bare number is seconds for --since, a rule's window and the shared parser")
    func bareNumberIsSeconds() throws {
        #expect(try StoreSummary.parseSince("24") == .seconds(24))
        #expect(try StoreSummary.parseSince("24h") == .seconds(86_400))
        let rules = try RuleSet(
            yaml: """
                rules:
                  - {name: r, match: {event: e}, metric: count, window: 24, for: 1.5m, thresholds: {high: "> 1"}}
                """,
            file: "t.yml"
        ).rules
        #expect(rules.first?.windowMilliseconds == 24_000)
        #expect(rules.first?.pendingMilliseconds == 90_000)
        #expect(DurationText.parse("24") == .seconds(24))
    }

    @Test(
        "units, fractions and what is refused",
        arguments: [
            ("500ms", Duration.milliseconds(500)), ("1.5h", .seconds(5_400)), ("7d", .seconds(604_800)),
            ("2w", .seconds(1_209_600)), ("250us", .microseconds(250)), ("10ns", .nanoseconds(10)),
            (" 3s ", .seconds(3)),
        ]
    )
    func units(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test("negative, infinite, overflowing and malformed durations are nil, never a trap")
    func refused() throws {
        for text in ["-1s", "inf", "nan", "1e300", "1e300h", "9999999999999d", "", "s", "5 minutes", "+5s", "5x"] {
            #expect(DurationText.parse(text) == nil, "\(text)")
        }
        #expect(throws: (any Error).self) { try StoreSummary.parseSince("1e300") }
        #expect(throws: (any Error).self) { try StoreSummary.parseSince("0") }
    }
}
