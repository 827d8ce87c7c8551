import Testing
import Vitals
import VitalsStore

/// Roll-ups, late data, retention and time series, run unchanged against every backend.
@Suite("Conformance: roll-ups, retention, time series")
struct ConformanceRollupTests {
    /// One event every 10 minutes for three days, on two agents, with durations 1…432.
    static func threeDays() -> [Record] {
        var records: [Record] = []
        for index in 0..<432 {
            let end: Int64 = Fixture.day0 + Int64(index) * 10 * Fixture.minute + 5_000_000_000
            let status: EventStatus = index % 10 == 0 ? .error : .ok
            let agent = index % 2 == 0 ? "even" : "odd"
            records.append(
                Fixture.event(
                    end: end,
                    duration: Double(index + 1),
                    status: status,
                    labels: ["agent_id": agent],
                    attributes: ["total_tokens": 2]
                )
            )
        }
        return records
    }

    @Test("roll-ups keep every answer: same counts and sketches before and after", arguments: TestBackend.allCases)
    func rollupsPreserveAnswers(backend: TestBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.ingest(Self.threeDays())
            let ranges = [
                Fixture.range(Fixture.day0, Fixture.day0 + 3 * Fixture.day),
                Fixture.range(
                    Fixture.day0 + 90 * Fixture.minute + 7,
                    Fixture.day0 + 2 * Fixture.day + 17 * Fixture.minute
                ),
                Fixture.range(Fixture.day0 + Fixture.day, Fixture.day0 + 2 * Fixture.day),
            ]
            var before: [[EventStatsGroup]] = []
            for range in ranges {
                before.append(
                    try await store.eventStats(StatsQuery(name: "llm_call", range: range, groupBy: ["agent_id"]))
                )
            }
            let report = try await store.rollUp(now: Fixture.time(Fixture.day0 + 10 * Fixture.day))
            // Series are (agent, status): even/ok, odd/ok, even/error.
            // One event per 10 minutes: each is a 10-minute bucket of its own; every 6 hours hold all three series.
            #expect(report.tenMinuteBuckets == 432)
            #expect(report.hourBuckets == 188)
            #expect(report.sixHourBuckets == 36)
            #expect(report.dayBuckets == 9)
            let again = try await store.rollUp(now: Fixture.time(Fixture.day0 + 10 * Fixture.day))
            #expect(again == RollupReport())
            for (index, range) in ranges.enumerated() {
                let after = try await store.eventStats(
                    StatsQuery(name: "llm_call", range: range, groupBy: ["agent_id"])
                )
                #expect(after == before[index], "range \(index)")
            }
            let whole = try await store.eventStats(StatsQuery(name: "llm_call", range: ranges[0]))
            #expect(whole.first?.statistics.count == 432)
            #expect(whole.first?.statistics.errors == 44)
            #expect(whole.first?.statistics.attributeSums["total_tokens"] == 864)
        }
    }

    @Test("late events reach hours and days already rolled up", arguments: TestBackend.allCases)
    func lateData(backend: TestBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.ingest(Self.threeDays())
            _ = try await store.rollUp(now: Fixture.time(Fixture.day0 + 10 * Fixture.day))
            _ = try await store.ingest([Fixture.event(end: Fixture.day0 + 30 * Fixture.minute, duration: 10_000)])
            let day = try await store.eventStats(
                StatsQuery(name: "llm_call", range: Fixture.range(Fixture.day0, Fixture.day0 + Fixture.day))
            )
            #expect(day.first?.statistics.count == 145)
            #expect(day.first?.statistics.maxMilliseconds == 10_000)
            let hour = try await store.eventStats(
                StatsQuery(name: "llm_call", range: Fixture.range(Fixture.day0, Fixture.day0 + Fixture.hour))
            )
            #expect(hour.first?.statistics.count == 7)
        }
    }

    @Test(
        "retention deletes old raw events and rolled-up buckets; counts stay answerable",
        arguments: TestBackend.allCases
    )
    func retention(backend: TestBackend) async throws {
        var configuration = StoreConfiguration.default
        configuration.deletionChunkSize = 50
        try await backend.withStore(configuration: configuration) { store in
            _ = try await store.ingest(Self.threeDays())
            let now = Fixture.time(Fixture.day0 + 8 * Fixture.day + 12 * Fixture.hour)
            // Nothing rolled up yet: minute buckets must survive retention; raw events older than 7 days go.
            let first = try await store.applyRetention(now: now)
            #expect(first.rawEvents == 216)
            #expect(first.buckets[.minute, default: 0] == 0)
            _ = try await store.rollUp(now: now)
            let second = try await store.applyRetention(now: now)
            #expect(second.buckets[.minute, default: 0] == 432)
            #expect(second.buckets[.hour, default: 0] == 0)
            let all = Fixture.range(Fixture.day0, Fixture.day0 + 3 * Fixture.day)
            let stats = try await store.eventStats(StatsQuery(name: "llm_call", range: all))
            #expect(stats.first?.statistics.count == 432)
            // Minutes are gone: an edge inside an hour is answered by the whole hour.
            let edge = try await store.eventStats(
                StatsQuery(
                    name: "llm_call",
                    range: Fixture.range(Fixture.day0 + 5 * Fixture.minute, Fixture.day0 + 25 * Fixture.minute)
                )
            )
            #expect(edge.first?.statistics.count == 6)
            let raw = try await store.events(EventQuery(range: all, limit: 1_000))
            #expect(raw.allSatisfy { $0.time.nanosecondsSinceEpoch >= now.nanosecondsSinceEpoch - 7 * Fixture.day })
            #expect(raw.count == 432 - first.rawEvents)
        }
    }

    @Test("time series per step, from the coarsest buckets that fit each step", arguments: TestBackend.allCases)
    func timeSeries(backend: TestBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.ingest(Self.threeDays())
            let range = Fixture.range(Fixture.day0, Fixture.day0 + 3 * Fixture.hour)
            let query = StatsQuery(name: "llm_call", range: range, groupBy: ["agent_id"])
            let minutes = try await store.eventTimeSeries(query, step: .seconds(3_600))
            _ = try await store.rollUp(now: Fixture.time(Fixture.day0 + 10 * Fixture.day))
            let hours = try await store.eventTimeSeries(query, step: .seconds(3_600))
            #expect(minutes == hours)
            #expect(hours.map { $0.labels["agent_id"] ?? "?" } == ["even", "odd"])
            let hourStarts: [Timestamp] = [0, 1, 2].map { Fixture.time(Fixture.day0 + $0 * Fixture.hour) }
            #expect(hours[0].points.map(\.start) == hourStarts)
            #expect(hours[0].points.map(\.statistics.count) == [3, 3, 3])
            let daily = try await store.eventTimeSeries(
                StatsQuery(name: "llm_call", range: Fixture.range(Fixture.day0, Fixture.day0 + 3 * Fixture.day)),
                step: .seconds(86_400)
            )
            #expect(daily.first?.points.map(\.statistics.count) == [144, 144, 144])
            let bad = await #expect(throws: StoreError.self) {
                _ = try await store.eventTimeSeries(query, step: .seconds(90))
            }
            #expect(bad?.code == .invalidQuery)
        }
    }

    @Test("gauges: last, min, max, sum and count, also rolled up", arguments: TestBackend.allCases)
    func gauges(backend: TestBackend) async throws {
        try await backend.withStore { store in
            var samples: [Record] = []
            for index in 0..<120 {
                let time = Fixture.time(Fixture.day0 + Int64(index) * Fixture.minute)
                let queue = index % 2 == 0 ? "emails" : "jobs"
                samples.append(
                    .sample(
                        Sample(name: "queue_depth", value: Double(index % 7), timestamp: time, labels: ["queue": queue])
                    )
                )
            }
            let result = try await store.ingest(samples)
            #expect(result.acceptedSamples == 120)
            let query = StatsQuery(
                name: "queue_depth",
                range: Fixture.range(Fixture.day0, Fixture.day0 + 2 * Fixture.hour),
                groupBy: ["queue"]
            )
            let before = try await store.gaugeStats(query)
            _ = try await store.rollUp(now: Fixture.time(Fixture.day0 + 3 * Fixture.day))
            let after = try await store.gaugeStats(query)
            #expect(before == after)
            #expect(after.map { $0.labels["queue"] ?? "?" } == ["emails", "jobs"])
            let emails = after[0].statistics
            #expect(emails.count == 60)
            #expect(emails.min == 0 && emails.max == 6)
            #expect(emails.last == Double(118 % 7))
            var expectedSum = 0.0
            for index in stride(from: 0, to: 120, by: 2) { expectedSum += Double(index % 7) }
            #expect(emails.sum == expectedSum)
            let series = try await store.gaugeTimeSeries(query, step: .seconds(3_600))
            #expect(series.first?.points.map(\.statistics.count) == [30, 30])
        }
    }
}
