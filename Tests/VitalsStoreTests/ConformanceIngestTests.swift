import Testing
import Vitals
import VitalsStore

/// Ingest and statistics, run unchanged against every backend.
@Suite("Conformance: ingest and stats")
struct ConformanceIngestTests {
    @Test("counts, outcomes, sums and exact min/max over a range", arguments: TestBackend.allCases)
    func countsAndOutcomes(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let t = Fixture.day0 + 10 * Fixture.minute
            let result = try await store.ingest([
                Fixture.event(end: t, duration: 100, attributes: ["prompt_tokens": 10, "cost_usd": 0.5]),
                Fixture.event(end: t + 1, duration: 300, status: .error, attributes: ["prompt_tokens": 5]),
                Fixture.event(end: t + 2, duration: 200, status: .timeout),
                Fixture.event("tool_call", end: t, duration: 7),
            ])
            #expect(result.acceptedEvents == 4)
            #expect(result.rejected.isEmpty)
            let groups = try await store.eventStats(
                StatsQuery(name: "llm_call", range: Fixture.range(Fixture.day0, Fixture.day0 + Fixture.hour))
            )
            #expect(groups.count == 1)
            let statistics = try #require(groups.first).statistics
            #expect(statistics.count == 3)
            #expect(statistics.errors == 2)
            #expect(statistics.timeouts == 1)
            #expect(statistics.minMilliseconds == 100)
            #expect(statistics.maxMilliseconds == 300)
            #expect(statistics.totalMilliseconds == 600)
            #expect(statistics.attributeSums["prompt_tokens"] == 15)
            #expect(statistics.attributeSums["cost_usd"] == 0.5)
            #expect(abs(statistics.errorRate - 2.0 / 3.0) < 1e-12)
            #expect(abs(groups[0].ratePerSecond - 3.0 / 3_600) < 1e-12)
        }
    }

    @Test(
        "quantiles from merged buckets are within the sketch's bound of the exact values",
        arguments: TestBackend.allCases
    )
    func quantilesWithinBound(backend: TestBackend) async throws {
        var random = SeededGenerator(seed: 42)
        var durations: [Double] = []
        var records: [Record] = []
        for index in 0..<3_000 {
            let duration = Double.random(in: 0.5...5_000, using: &random)
            durations.append(duration)
            // Spread over 3 hours and 3 agents so the answer merges many buckets of several series.
            let end = Fixture.day0 + Int64(index) * (3 * Fixture.hour / 3_000)
            records.append(Fixture.event(end: end, duration: duration, labels: ["agent_id": "a\(index % 3)"]))
        }
        let sorted = durations.sorted()
        try await backend.withStore { store in
            for chunk in stride(from: 0, to: records.count, by: 500) {
                _ = try await store.ingest(Array(records[chunk..<min(chunk + 500, records.count)]))
            }
            let range = Fixture.range(Fixture.day0, Fixture.day0 + 3 * Fixture.hour)
            for phase in ["minutes", "after roll-up"] {
                let statistics = try #require(
                    try await store.eventStats(StatsQuery(name: "llm_call", range: range)).first
                )
                .statistics
                #expect(statistics.count == 3_000, "\(phase)")
                for q in [0.5, 0.9, 0.95, 0.99, 0.999] {
                    let exact = exactQuantile(sorted, q)
                    let estimate = try #require(statistics.quantile(q))
                    #expect(abs(estimate - exact) <= exact * QuantileSketch.relativeAccuracy + 1e-9, "q=\(q) \(phase)")
                }
                _ = try await store.rollUp(now: Fixture.time(Fixture.day0 + 2 * Fixture.day))
            }
        }
    }

    @Test("label matchers and group-by", arguments: TestBackend.allCases)
    func matchersAndGroups(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let t = Fixture.day0
            _ = try await store.ingest([
                Fixture.event(end: t, duration: 1, labels: ["agent_id": "a1"], attributes: ["model": "gpt-5"]),
                Fixture.event(end: t, duration: 2, labels: ["agent_id": "a1"], attributes: ["model": "gpt-5-mini"]),
                Fixture.event(end: t, duration: 3, labels: ["agent_id": "a2"], attributes: ["model": "gpt-5"]),
                Fixture.event(end: t, duration: 4, labels: ["agent_id": "a3"], attributes: ["model": "claude"]),
            ])
            let range = Fixture.range(t, t + Fixture.minute)
            func count(_ matchers: [LabelMatcher]) async throws -> UInt64 {
                try await store.eventStats(StatsQuery(name: "llm_call", range: range, matchers: matchers))
                    .reduce(0) { $0 + $1.statistics.count }
            }
            #expect(try await count([.equal("agent_id", "a1")]) == 2)
            #expect(try await count([.notEqual("agent_id", "a1")]) == 2)
            #expect(try await count([.oneOf("agent_id", ["a2", "a3"])]) == 2)
            #expect(try await count([.regex("model", "gpt-5.*")]) == 3)
            #expect(try await count([.equal("agent_id", "a1"), .equal("model", "gpt-5")]) == 1)
            #expect(try await count([.equal("tool", "")]) == 4)

            let byModel = try await store.eventStats(StatsQuery(name: "llm_call", range: range, groupBy: ["model"]))
            #expect(byModel.map { $0.labels["model"] ?? "?" } == ["claude", "gpt-5", "gpt-5-mini"])
            #expect(byModel.map(\.statistics.count) == [1, 2, 1])

            // The operators the rule files had and the store lacked now reach the store too.
            #expect(try await count([.noneOf("agent_id", ["a2", "a3"])]) == 2)
            #expect(try await count([.notRegex("model", "gpt-5.*")]) == 1)
            // A pattern that does not compile never reaches a query: the matcher cannot be made.
            #expect(throws: MatcherSyntaxError.self) { _ = try LabelMatcher.regex("model", "(") }
        }
    }

    @Test("series identity: configured keys only, status", arguments: TestBackend.allCases)
    func seriesIdentity(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let t = Fixture.day0
            _ = try await store.ingest([
                Fixture.event(
                    end: t,
                    duration: 1,
                    labels: ["agent_id": "a1", "service": "bot"],
                    attributes: ["model": "m", "prompt_tokens": 12, "cached": true, "custom": "not-a-label"]
                ),
                Fixture.event(
                    end: t,
                    duration: 1,
                    status: .error,
                    labels: ["agent_id": "a1", "service": "bot"],
                    attributes: ["model": "m"]
                ),
            ])
            let series = try await store.series(SeriesQuery(kind: .event))
            #expect(
                series.map(\.key.labelsText) == [
                    #"{"agent_id":"a1","model":"m","service":"bot","status":"error"}"#,
                    #"{"agent_id":"a1","model":"m","service":"bot","status":"ok"}"#,
                ]
            )
            #expect(series.allSatisfy { $0.firstSeen == Fixture.time(t) && $0.lastSeen == Fixture.time(t) })
        }
    }

    @Test("the series limit folds the excess into __overflow__ and never drops counts", arguments: TestBackend.allCases)
    func seriesLimit(backend: TestBackend) async throws {
        var configuration = StoreConfiguration.default
        configuration.seriesLimitPerName = 3
        try await backend.withStore(configuration: configuration) { store in
            let t = Fixture.day0
            let first = try await store.ingest(
                (0..<5).map { Fixture.event(end: t, duration: 10, labels: ["agent_id": "a\($0)"]) }
            )
            #expect(first.acceptedEvents == 5)
            #expect(first.newSeries == 3)
            #expect(first.overflowed == 2)
            // Known series keep their place; new ones keep overflowing, in a later batch too.
            let second = try await store.ingest([
                Fixture.event(end: t, duration: 10, labels: ["agent_id": "a0"]),
                Fixture.event(end: t, duration: 10, labels: ["agent_id": "a9"]),
                Fixture.event("other_name", end: t, duration: 10, labels: ["agent_id": "a9"]),
            ])
            #expect(second.overflowed == 1)
            #expect(second.newSeries == 1)
            let groups = try await store.eventStats(
                StatsQuery(name: "llm_call", range: Fixture.range(t, t + Fixture.minute), groupBy: ["agent_id"])
            )
            #expect(groups.map { $0.labels["agent_id"] ?? "?" } == ["__overflow__", "a0", "a1", "a2"])
            #expect(groups.map(\.statistics.count) == [3, 2, 1, 1])
            #expect(groups.reduce(0) { $0 + $1.statistics.count } == 7)
            let series = try await store.series(SeriesQuery(kind: .event, name: "llm_call"))
            #expect(series.count == 4)
            #expect(series.filter(\.key.isOverflow).count == 1)
            // An overflowed event keeps all its labels in drill-down.
            let events = try await store.events(
                EventQuery(name: "llm_call", range: Fixture.range(t, t + 1), matchers: [.equal("__overflow__", "true")])
            )
            #expect(Set(events.compactMap { $0.event.labels["agent_id"] }) == ["a3", "a4", "a9"])
        }
    }

    @Test("bad records are rejected one by one with a reason; the rest is stored", arguments: TestBackend.allCases)
    func rejections(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let t = Fixture.day0
            let result = try await store.ingest([
                Fixture.event(end: t, duration: 5),
                Fixture.event(end: t, duration: .nan),
                Fixture.event("", end: t, duration: 5),
                Fixture.event(end: t, duration: -1),
                .sample(Sample(name: "queue_depth", value: .infinity, timestamp: Fixture.time(t))),
                .sample(Sample(name: "queue_depth", value: 3, timestamp: Fixture.time(t))),
            ])
            #expect(result.acceptedEvents == 1)
            #expect(result.acceptedSamples == 1)
            #expect(result.rejected.map(\.index) == [1, 2, 3, 4])
            #expect(result.rejected[0].reason.contains("duration_ms"))
            #expect(result.rejected[1].reason.contains("name"))
            #expect(result.rejected[3].reason.contains("value"))
            let stats = try await store.eventStats(StatsQuery(name: "llm_call", range: Fixture.range(t, t + 1)))
            #expect(stats.first?.statistics.count == 1)
            let nothing = try await store.ingest([Fixture.event(end: t, duration: .infinity)])
            #expect(nothing.accepted == 0 && nothing.rejected.count == 1)
        }
    }

    @Test("records built in code are held to the ingest limits too", arguments: TestBackend.allCases)
    func limitsOfRecordsBuiltInCode(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let t = Fixture.day0
            let result = try await store.ingest([
                Fixture.event("llm\u{0}call", end: t, duration: 5),
                Fixture.event(end: t, duration: 5, labels: ["agent_id": "a\nb"]),
                Fixture.event(String(repeating: "n", count: 257), end: t, duration: 5),
                Fixture.event(end: t, duration: 5, attributes: ["cost_usd": .double(1e300)]),
                Fixture.event(end: t, duration: 5),
                .sample(Sample(name: "queue_depth", value: 3, timestamp: Timestamp(nanosecondsSinceEpoch: -1))),
            ])
            #expect(result.acceptedEvents == 1)
            #expect(result.rejected.map(\.index) == [0, 1, 2, 3, 5])
            #expect(result.rejected[0].reason == "event: control character U+0000 is not allowed in a name")
            #expect(result.rejected[1].reason == "agent_id: control character U+000A is not allowed in a label value")
            #expect(result.rejected[2].reason.contains("257 bytes long"))
            #expect(result.rejected[3].reason.contains("cost_usd"))
            #expect(result.rejected[4].reason.contains("outside the times the store keeps"))
            let names = try await store.series(SeriesQuery(kind: .event)).map(\.key.name)
            #expect(names == ["llm_call"])
        }
    }

    @Test("concurrent batches are all committed", arguments: TestBackend.allCases)
    func concurrentBatches(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let t = Fixture.day0
            try await withThrowingTaskGroup(of: IngestResult.self) { group in
                for task in 0..<16 {
                    group.addTask {
                        try await store.ingest(
                            (0..<50).map {
                                Fixture.event(end: t + Int64($0), duration: 1, labels: ["agent_id": "a\(task % 4)"])
                            }
                        )
                    }
                }
                var accepted = 0
                for try await result in group { accepted += result.acceptedEvents }
                #expect(accepted == 800)
            }
            let stats = try await store.eventStats(StatsQuery(name: "llm_call", range: Fixture.range(t, t + 1_000)))
            #expect(stats.first?.statistics.count == 800)
            let raw = try await store.events(EventQuery(range: Fixture.range(t, t + 1_000), limit: 10_000))
            #expect(raw.count == 800)
            #expect(try await store.series(SeriesQuery()).count == 4)
        }
    }
}
