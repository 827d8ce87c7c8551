import Foundation
import Testing
import Vitals
import VitalsRules
import VitalsStore

@testable import VitalsCLI
@testable import VitalsServer

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

/// The drift the issue named: `--since 24` was 24 hours while `window=24` was 24 seconds. The same text now goes
/// through the entry point of each path — a command-line flag, a query parameter, the server's YAML and a rule
/// file — and comes out as the same duration.
@Suite("One duration across flags, query parameters and YAML")
struct DurationPathsTests {
    @Test("the same text is the same duration on every path", arguments: ["24", "90s", "1.5m", "2h", "7d", "500ms"])
    func samePathsSameDuration(text: String) throws {
        let expected = try #require(DurationText.parse(text))
        #expect(try StoreSummary.parseSince(text) == expected)

        let now = Timestamp(nanosecondsSinceEpoch: 1_000_000_000_000_000_000)
        let query = try QueryParameters([(key: "event", value: "e"), (key: "window", value: text)], now: now)
        #expect(query.range.to == now)
        #expect(query.range.from == Timestamp(nanosecondsSinceEpoch: now.nanosecondsSinceEpoch - expected.nanoseconds))

        var configuration = ServerConfiguration()
        try ConfigurationFileParser(yaml: "body_timeout: \"\(text)\"\nmaintenance_interval: \(text)\n", file: "s.yml")
            .apply(to: &configuration)
        #expect(configuration.bodyTimeout == expected)
        #expect(configuration.maintenanceInterval == expected)

        let rule = try #require(
            try RuleSet(
                yaml: """
                    rules:
                      - {name: r, match: {event: e}, metric: count, window: \(text), for: "\(text)", thresholds: {high: "> 1"}}
                    """,
                file: "r.yml"
            ).rules.first
        )
        let milliseconds = Double(expected.nanoseconds) / 1e6
        #expect(rule.windowMilliseconds == milliseconds)
        #expect(rule.pendingMilliseconds == milliseconds)
    }

    @Test("a bad duration is refused on every path, naming the value")
    func refusedEverywhere() throws {
        #expect(throws: (any Error).self) { try StoreSummary.parseSince("24 hours") }
        #expect(throws: (any Error).self) {
            try QueryParameters([(key: "event", value: "e"), (key: "window", value: "24 hours")])
        }
        var configuration = ServerConfiguration()
        #expect(throws: (any Error).self) {
            try ConfigurationFileParser(yaml: "body_timeout: 24 hours\n", file: "s.yml").apply(to: &configuration)
        }
        #expect(throws: (any Error).self) {
            try RuleSet(
                yaml: """
                    rules:
                      - {name: r, match: {event: e}, metric: count, window: 24 hours, thresholds: {high: "> 1"}}
                    """,
                file: "r.yml"
            )
        }
    }

    /// End to end through the binary: an event a minute old and one five minutes old; `--since 90` keeps the
    /// first only, as `--since 90s` does (read as hours, it kept both).
    @Test("vitals summary --since 90 is ninety seconds")
    func sinceThroughTheBinary() async throws {
        let folder = try TemporaryFolder()
        let formatter = ISO8601DateFormatter()
        let recent = formatter.string(from: Date().addingTimeInterval(-60))
        let old = formatter.string(from: Date().addingTimeInterval(-300))
        let path = try folder.write(
            "events.jsonl",
            """
            {"event":"recent_call","duration_ms":5,"ts":"\(recent)"}
            {"event":"old_call","duration_ms":5,"ts":"\(old)"}

            """
        )
        let database = folder.path("vitals.db")
        #expect(try await VitalsBinary.run(["import", path, "--database", database]).status == 0)
        let bare = try await VitalsBinary.run(["summary", "--database", database, "--since", "90"])
        let seconds = try await VitalsBinary.run(["summary", "--database", database, "--since", "90s"])
        #expect(bare.status == 0, "\(bare.stderr)")
        #expect(bare.stdout.contains("recent_call"))
        #expect(!bare.stdout.contains("old_call"))
        // The tables are the same; only the header echoes the flag as written.
        #expect(bare.stdout.split(separator: "\n").dropFirst() == seconds.stdout.split(separator: "\n").dropFirst())
        let wide = try await VitalsBinary.run(["summary", "--database", database, "--since", "600"])
        #expect(wide.stdout.contains("old_call"))
    }
}
