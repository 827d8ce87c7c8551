import Testing
import Vitals
import VitalsStore

/// Drill-down into a few series, which reads only the spans their buckets point at, and grouped stats, which
/// merge stored buckets from their bytes, against answers computed here from every event.
@Suite("Conformance: drill-down by buckets, grouped stats from stored bytes")
struct ConformanceDrillDownTests {
    static let start = Fixture.day0 + Fixture.hour
    static let agents = 12

    /// 2,400 events over 6 hours on 12 agents × 2 names × (ok, error, timeout), committed in batches of 100:
    /// most in time order, one batch late (its events spread over the whole 6 hours), durations with ties.
    static func batches() -> [[Record]] {
        var random = SeededGenerator(seed: 15)
        var records: [Record] = []
        for index in 0..<2_400 {
            let end = start + Int64(index) * 9 * 1_000_000_000 + Int64(random.next() % 1_000_000_000)
            let agent = Int(random.next() % UInt64(agents))
            let roll = random.next() % 100
            let status: EventStatus = roll < 6 ? .error : roll < 8 ? .timeout : .ok
            records.append(
                Fixture.event(
                    index % 7 == 0 ? "tool_call" : "llm_call",
                    end: end,
                    // Whole milliseconds up to 2,000: ties across and within batches.
                    duration: Double(1 + random.next() % 2_000),
                    status: status,
                    labels: ["agent_id": "a\(agent)"],
                    attributes: [
                        "prompt_tokens": .int(Int64(random.next() % 900)),
                        // Multiples of 1/1024: every sum is exact in any order.
                        "cost_usd": .double(Double(random.next() % 64) / 1_024),
                    ]
                )
            )
        }
        var batches = stride(from: 0, to: records.count, by: 100).map {
            Array(records[$0..<min($0 + 100, records.count)])
        }
        // A late batch: every 24th event, ingested last.
        let late = Set(stride(from: 5, to: records.count, by: 24))
        batches = batches.enumerated().map { batchIndex, batch in
            batch.enumerated().filter { !late.contains(batchIndex * 100 + $0.offset) }.map(\.element)
        }
        batches.append(late.sorted().map { records[$0] })
        return batches
    }

    static func expectedEvents(
        _ all: [StoredEvent],
        _ query: EventQuery
    ) -> [StoredEvent] {
        let matchers = query.matchers
        let selected = all.filter { event in
            (query.name == nil || event.series.name == query.name)
                && matchers.allSatisfy { $0.matches(event.series.labels[$0.key]) }
                && event.time >= query.range.from && event.time < query.range.to
                && (!query.failedOnly || event.event.status.isFailure)
        }
        let sorted: [StoredEvent]
        switch query.order {
        case .newestFirst: sorted = selected.sorted { ($0.time, $0.id) > ($1.time, $1.id) }
        case .oldestFirst: sorted = selected.sorted { ($0.time, $0.id) < ($1.time, $1.id) }
        case .slowestFirst:
            sorted = selected.sorted {
                ($0.event.durationMilliseconds, -$0.id) > ($1.event.durationMilliseconds, -$1.id)
            }
        }
        return Array(sorted.prefix(query.limit))
    }

    static func drillQueries() -> [EventQuery] {
        let whole = Fixture.range(start, start + 7 * Fixture.hour)
        // Not on hour or minute boundaries.
        let part = Fixture.range(start + 77 * Fixture.minute + 5_000_000_000, start + 5 * Fixture.hour + 3)
        var queries: [EventQuery] = []
        for range in [whole, part] {
            let one: [LabelMatcher] = [.equal("agent_id", "a3")]
            let two: [LabelMatcher] = [.oneOf("agent_id", ["a5", "a7"])]
            queries += [
                EventQuery(name: "llm_call", range: range, matchers: one, order: .slowestFirst, limit: 20),
                EventQuery(name: "llm_call", range: range, matchers: two, order: .slowestFirst, limit: 7),
                EventQuery(name: "llm_call", range: range, matchers: one, failedOnly: true, limit: 20),
                EventQuery(range: range, matchers: two, failedOnly: true, order: .slowestFirst, limit: 5),
                EventQuery(name: "tool_call", range: range, matchers: one, order: .oldestFirst, limit: 15),
                EventQuery(name: "tool_call", range: range, matchers: two, failedOnly: true, limit: 3),
                EventQuery(name: "llm_call", range: range, matchers: [.equal("agent_id", "nobody")], limit: 5),
                // Every series of a name, or every event: the standouts' and the failures' indexes.
                EventQuery(name: "llm_call", range: range, order: .slowestFirst, limit: 20),
                EventQuery(range: range, order: .slowestFirst, limit: 60),
                EventQuery(name: "tool_call", range: range, order: .slowestFirst, limit: 9),
                EventQuery(range: range, failedOnly: true, limit: 20),
                EventQuery(name: "tool_call", range: range, failedOnly: true, order: .oldestFirst, limit: 4),
                EventQuery(range: range, failedOnly: true, order: .slowestFirst, limit: 12),
            ]
        }
        return queries
    }

    /// Every event of the fixture's hours, read by the path that reads every span (no series condition).
    static func everyEvent(_ store: BucketMetricStore) async throws -> [StoredEvent] {
        let everything = Fixture.range(Self.start - Fixture.hour, Self.start + 8 * Fixture.hour)
        return try await store.events(EventQuery(range: everything, order: .oldestFirst, limit: 10_000))
    }

    /// Expects every drill-down query to find what a scan of `all` finds.
    static func expectDrillQueries(_ store: BucketMetricStore, find all: [StoredEvent], _ stage: String) async throws {
        for (index, query) in Self.drillQueries().enumerated() {
            let found = try await store.events(query)
            #expect(found.map(\.id) == Self.expectedEvents(all, query).map(\.id), "query \(index), \(stage)")
        }
    }

    @Test(
        "drill-down into a few series finds what a scan of every event finds, before and after roll-up and the minute retention",
        arguments: TestBackend.allCases
    )
    func drillDown(backend: TestBackend) async throws {
        try await backend.withStore { store in
            for batch in Self.batches() { _ = try await store.ingest(batch) }
            let all = try await Self.everyEvent(store)
            #expect(all.count == 2_400)
            try await Self.expectDrillQueries(store, find: all, "minutes")
            // Hours rolled up and minutes deleted (raw events kept): the spans are narrowed by hour buckets.
            let later = Fixture.time(Self.start + 3 * Fixture.day)
            _ = try await store.rollUp(now: later)
            let retention = try await store.applyRetention(now: later)
            #expect(retention.rawEvents == 0)
            try await Self.expectDrillQueries(store, find: all, "hours")
            // Late events into hours already rolled up (their minutes deleted): the slowest and a failure of a3.
            _ = try await store.ingest([
                Fixture.event(end: Self.start + 100 * Fixture.minute, duration: 9_000, labels: ["agent_id": "a3"]),
                Fixture.event(
                    "tool_call",
                    end: Self.start + 200 * Fixture.minute,
                    duration: 3,
                    status: .error,
                    labels: ["agent_id": "a5"]
                ),
            ])
            let withLate = try await Self.everyEvent(store)
            #expect(withLate.count == 2_402)
            try await Self.expectDrillQueries(store, find: withLate, "late")
            let slowest = try await store.events(Self.drillQueries()[0])
            #expect(slowest.first?.event.durationMilliseconds == 9_000)
        }
    }

    @Test(
        "spans and events written before standouts were marked (schema 4) give the same answers",
        arguments: TestBackend.allCases
    )
    func unmarkedHistory(backend: TestBackend) async throws {
        try await backend.withStore { store, sql in
            let batches = Self.batches()
            // The first half as an older Vitals wrote it: no standouts, no ordinary maximum in its spans.
            for batch in batches[..<12] { _ = try await store.ingest(batch) }
            let standout = backend == .postgres ? "false" : "0"
            try await sql("UPDATE events SET standout = \(standout)")
            try await sql("UPDATE event_spans SET ordinary_max_duration = NULL")
            for batch in batches[12...] { _ = try await store.ingest(batch) }
            let all = try await Self.everyEvent(store)
            #expect(all.count == 2_400)
            try await Self.expectDrillQueries(store, find: all, "half unmarked")
        }
    }

    @Test(
        "stats grouped by agent and per hour are the statistics of the events themselves, before and after roll-up",
        arguments: TestBackend.allCases
    )
    func groupedStats(backend: TestBackend) async throws {
        let records = Self.batches().flatMap { $0 }
        // Whole minutes: buckets answer them exactly.
        let from = Self.start + 13 * Fixture.minute
        let to = Self.start + 5 * Fixture.hour + 41 * Fixture.minute
        var expected: [String: EventStatistics] = [:]
        var hourly: [String: [Int64: EventStatistics]] = [:]
        for case .event(let event) in records where event.name == "llm_call" {
            guard let time = event.end?.nanosecondsSinceEpoch, time >= from, time < to,
                let agent = event.labels["agent_id"]
            else { continue }
            var statistics = EventStatistics()
            statistics.add(event, additiveAttributes: ["prompt_tokens", "cost_usd"])
            expected[agent, default: EventStatistics()].merge(statistics)
            let step = from + (time - from) / Fixture.hour * Fixture.hour
            hourly[agent, default: [:]][step, default: EventStatistics()].merge(statistics)
        }
        try await backend.withStore { store in
            for batch in Self.batches() { _ = try await store.ingest(batch) }
            let query = StatsQuery(name: "llm_call", range: Fixture.range(from, to), groupBy: ["agent_id"])
            for phase in ["minutes", "hours"] {
                if phase == "hours" { _ = try await store.rollUp(now: Fixture.time(Self.start + 3 * Fixture.day)) }
                let groups = try await store.eventStats(query)
                #expect(groups.count == Self.agents, "\(phase)")
                for group in groups {
                    let agent = group.labels["agent_id"] ?? ""
                    #expect(group.statistics == expected[agent], "\(phase): \(agent)")
                    #expect(group.statistics.attributeSums.keys.sorted() == ["cost_usd", "prompt_tokens"])
                }
                let series = try await store.eventTimeSeries(query, step: .seconds(3_600))
                for line in series {
                    let agent = line.labels["agent_id"] ?? ""
                    let points = Dictionary(
                        uniqueKeysWithValues: line.points.map {
                            ($0.start.nanosecondsSinceEpoch, $0.statistics)
                        }
                    )
                    #expect(points == hourly[agent], "\(phase): \(agent) per hour")
                }
            }
        }
    }
}

extension ConformanceDrillDownTests {
    /// Hundreds of series (80 agents × 2 models × status): enough that a stats query reads its groups in two halves at once.
    @Test(
        "stats of many series grouped by agent, read in halves, are the statistics of the events themselves",
        arguments: TestBackend.allCases
    )
    func groupedStatsOfManySeries(backend: TestBackend) async throws {
        var random = SeededGenerator(seed: 31)
        let from = Self.start + 7 * Fixture.minute
        let to = Self.start + 3 * Fixture.hour + 22 * Fixture.minute
        var records: [Record] = []
        var expected: [String: EventStatistics] = [:]
        for index in 0..<4_000 {
            let end = Self.start + Int64(index) * 3 * 1_000_000_000 + Int64(random.next() % 1_000_000_000)
            let agent = "agent-\(random.next() % 80)"
            let record = Fixture.event(
                end: end,
                duration: Double(1 + random.next() % 3_000),
                status: random.next() % 20 == 0 ? .error : .ok,
                labels: ["agent_id": "\(agent)"],
                attributes: [
                    "model": .string("m\(random.next() % 2)"), "prompt_tokens": .int(Int64(random.next() % 900)),
                ]
            )
            guard case .event(let event) = record else { continue }
            records.append(record)
            guard end >= from, end < to else { continue }
            var statistics = EventStatistics()
            statistics.add(event, additiveAttributes: ["prompt_tokens", "cost_usd"])
            expected[agent, default: EventStatistics()].merge(statistics)
        }
        try await backend.withStore { store in
            for batch in stride(from: 0, to: records.count, by: 500) {
                _ = try await store.ingest(Array(records[batch..<min(batch + 500, records.count)]))
            }
            let query = StatsQuery(name: "llm_call", range: Fixture.range(from, to), groupBy: ["agent_id"])
            let seriesCount = try await store.series(SeriesQuery(kind: .event, name: "llm_call")).count
            // With the status label, 272: more than the 64 series a stats query reads in one piece.
            #expect(seriesCount > 64)
            for phase in ["minutes", "hours"] {
                if phase == "hours" { _ = try await store.rollUp(now: Fixture.time(Self.start + 3 * Fixture.day)) }
                let groups = try await store.eventStats(query)
                #expect(groups.count == 80, "\(phase)")
                for group in groups {
                    let agent = group.labels["agent_id"] ?? ""
                    #expect(group.statistics == expected[agent], "\(phase): \(agent)")
                }
            }
        }
    }
}
