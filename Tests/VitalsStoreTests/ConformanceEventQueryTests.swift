import Testing
import Vitals
import VitalsStore

/// Raw-event drill-down, the series list and the summary, run unchanged against every backend.
@Suite("Conformance: raw events, series, summary")
struct ConformanceEventQueryTests {
    static let t = Fixture.day0 + Fixture.hour

    static func records() -> [Record] {
        [
            Fixture.event(end: t, duration: 50, labels: ["agent_id": "a1"]),
            Fixture.event(end: t + 10, duration: 900, status: .error, labels: ["agent_id": "a2"]),
            Fixture.event(end: t + 20, duration: 300, status: .timeout, labels: ["agent_id": "a1"]),
            Fixture.event(end: t + 30, duration: 700, labels: ["agent_id": "a2"]),
            Fixture.event("tool_call", end: t + 40, duration: 5_000, labels: ["agent_id": "a1"]),
        ]
    }

    @Test("sorted slowest or newest first, failed only, by name and labels, limited", arguments: TestBackend.allCases)
    func filtersAndOrders(backend: TestBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.ingest(Self.records())
            let range = Fixture.range(Self.t, Self.t + 100)
            let slowest = try await store.events(
                EventQuery(name: "llm_call", range: range, order: .slowestFirst, limit: 3)
            )
            #expect(slowest.map(\.event.durationMilliseconds) == [900, 700, 300])
            let newest = try await store.events(EventQuery(range: range, order: .newestFirst, limit: 2))
            #expect(newest.map(\.event.name) == ["tool_call", "llm_call"])
            #expect(newest.map(\.time) == [Fixture.time(Self.t + 40), Fixture.time(Self.t + 30)])
            let failed = try await store.events(EventQuery(range: range, failedOnly: true, order: .oldestFirst))
            #expect(failed.map(\.event.status) == [.error, .timeout])
            let a1 = try await store.events(
                EventQuery(range: range, matchers: [.equal("agent_id", "a1")], order: .oldestFirst)
            )
            #expect(a1.map(\.event.durationMilliseconds) == [50, 300, 5_000])
            let window = try await store.events(
                EventQuery(range: Fixture.range(Self.t + 10, Self.t + 30), order: .oldestFirst)
            )
            #expect(window.map(\.event.durationMilliseconds) == [900, 300])
            let page1 = try await store.events(EventQuery(range: range, order: .oldestFirst, limit: 2))
            let page2 = try await store.events(
                EventQuery(range: range, order: .oldestFirst, limit: 2, after: page1.last?.cursor)
            )
            #expect((page1 + page2).map(\.event.durationMilliseconds) == [50, 900, 300, 700])
        }
    }

    @Test(
        "an event reads back with its labels, attributes, error, times and trace links",
        arguments: TestBackend.allCases
    )
    func roundTrip(backend: TestBackend) async throws {
        let start = Fixture.time(Self.t - 1_500_000_000)
        let event = Event(
            name: "llm_call",
            start: start,
            end: Fixture.time(Self.t),
            durationMilliseconds: 1_500,
            status: .error,
            error: "rate limited: 429",
            labels: ["service": "bot", "agent_id": "a1", "worker_id": "w-7"],
            attributes: [
                "model": "gpt-5-mini", "prompt_tokens": 1_234, "cost_usd": 0.0125, "cached": true, "phase": "initial",
                "note": "ünïcode ✓",
            ],
            traceID: "4bf92f3577b34da6a3ce929d0e0e4736",
            spanID: "00f067aa0ba902b7",
            parentSpanID: "a2fb4a1d1a96d312"
        )
        let timeless = Event(name: "tick", durationMilliseconds: 2)
        try await backend.withStore { store in
            _ = try await store.ingest([.event(event), .event(timeless)], receivedAt: Fixture.time(Self.t + 5))
            let stored = try await store.events(
                EventQuery(range: Fixture.range(Self.t, Self.t + 10), order: .oldestFirst)
            )
            #expect(stored.count == 2)
            let back = try #require(stored.first).event
            #expect(back.name == event.name && back.start == event.start && back.end == event.end)
            #expect(back.durationMilliseconds == event.durationMilliseconds && back.status == event.status)
            #expect(back.error == event.error)
            #expect(
                back.traceID == event.traceID && back.spanID == event.spanID && back.parentSpanID == event.parentSpanID
            )
            #expect(Set(back.labels.elements) == Set(event.labels.elements))
            #expect(Set(back.attributes.elements) == Set(event.attributes.elements))
            let tick = stored[1]
            #expect(tick.event.end == nil && tick.event.start == nil)
            #expect(tick.time == Fixture.time(Self.t + 5))
        }
    }

    @Test("the series list with first and last seen", arguments: TestBackend.allCases)
    func seriesList(backend: TestBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.ingest(Self.records())
            _ = try await store.ingest([
                Fixture.event(end: Self.t - Fixture.day, duration: 1, labels: ["agent_id": "a1"]),
                .sample(Sample(name: "queue_depth", value: 1, timestamp: Fixture.time(Self.t), labels: ["queue": "q"])),
            ])
            let all = try await store.series(SeriesQuery())
            let names: [String] = all.map { "\($0.key.kind) \($0.key.name)" }
            let expected: [String] = [
                "event llm_call", "event llm_call", "event llm_call", "event llm_call", "event tool_call",
                "gauge queue_depth",
            ]
            #expect(names == expected)
            let a1 = try await store.series(
                SeriesQuery(
                    kind: .event,
                    name: "llm_call",
                    matchers: [.equal("agent_id", "a1"), .equal("status", "ok")]
                )
            )
            #expect(a1.count == 1)
            #expect(a1.first?.firstSeen == Fixture.time(Self.t - Fixture.day))
            #expect(a1.first?.lastSeen == Fixture.time(Self.t))
            #expect(try await store.series(SeriesQuery(kind: .gauge)).map(\.key.labelsText) == [#"{"queue":"q"}"#])
        }
    }

    @Test("the summary from a store is the summary of the same events from files", arguments: TestBackend.allCases)
    func summaryMatchesFiles(backend: TestBackend) async throws {
        var random = SeededGenerator(seed: 7)
        var records: [Record] = []
        for index in 0..<2_500 {
            let isTool = index % 5 == 0
            let end: Int64 = Self.t + Int64(index) * 1_000_000
            let duration = Double.random(in: 1...2_000, using: &random).rounded()
            let status: EventStatus = index % 17 == 0 ? .error : .ok
            let model = index % 2 == 0 ? "m1" : "m2"
            let attributes: Attributes = isTool ? ["tool": "search"] : ["model": .string(model), "prompt_tokens": 10]
            records.append(
                Fixture.event(
                    isTool ? "tool_call" : "llm_call",
                    end: end,
                    duration: duration,
                    status: status,
                    labels: ["agent_id": "a\(index % 4)"],
                    attributes: attributes
                )
            )
        }
        var expected = EventSummary(options: SummaryOptions(groupBy: ["agent_id"]))
        for (index, record) in records.enumerated() {
            if case .event(let event) = record { expected.add(event, file: "store", line: index + 1) }
        }
        try await backend.withStore { store in
            _ = try await store.ingest(Array(records[..<1_000]))
            _ = try await store.ingest(Array(records[1_000...]))
            let summary = try await store.summary(
                range: Fixture.range(Self.t, Self.t + Fixture.hour),
                options: SummaryOptions(groupBy: ["agent_id"]),
                source: "store",
                pageSize: 300
            )
            #expect(summary.eventCount == 2_500)
            #expect(summary.renderText() == expected.renderText())
        }
    }
}

extension ConformanceEventQueryTests {
    @Test(
        "events of every series, read while batches of new series are committed, are all known: never an error",
        arguments: TestBackend.allCases
    )
    func readsDuringNewSeries(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let t = Fixture.day0 + 10 * Fixture.minute
            let range = Fixture.range(Fixture.day0, Fixture.day0 + Fixture.hour)
            _ = try await store.ingest([Fixture.event(end: t, duration: 1, labels: ["agent_id": "first"])])
            try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask {
                    for index in 0..<150 {
                        _ = try await store.ingest([
                            Fixture.event(end: t + Int64(index), duration: 1, labels: ["agent_id": "new-\(index)"])
                        ])
                    }
                    return 0
                }
                group.addTask {
                    var reads = 0
                    for _ in 0..<300 {
                        let events = try await store.events(EventQuery(range: range, order: .newestFirst, limit: 5))
                        if !events.isEmpty { reads += 1 }
                    }
                    return reads
                }
                var total = 0
                for try await count in group { total += count }
                #expect(total == 300, "every read found events")
            }
        }
    }
}

extension ConformanceEventQueryTests {
    @Test(
        "series written beside the store after it listed them (another writer) are listed with their keys and times",
        arguments: TestBackend.allCases
    )
    func seriesWrittenBeside(backend: TestBackend) async throws {
        try await backend.withStore { store, sql in
            let t = Fixture.day0 + 10 * Fixture.minute
            _ = try await store.ingest([Fixture.event(end: t, duration: 5, labels: ["agent_id": "a1"])])
            let query = SeriesQuery(kind: .event, name: "llm_call")
            let first = try await store.series(query)
            #expect(first.map(\.key.labels) == [["agent_id": "a1", "status": "ok"]])
            // Keys are remembered by id after the first listing; times and new rows must still come from the database.
            let later = t + Fixture.hour
            try await sql("UPDATE series SET last_seen = \(later) WHERE name = 'llm_call'")
            try await sql(
                """
                INSERT INTO series (kind, name, labels, first_seen, last_seen)
                VALUES (0, 'llm_call', '{"agent_id":"b2","status":"error"}', \(t), \(later))
                """
            )
            let second = try await store.series(query)
            #expect(
                second.map(\.key.labels) == [
                    ["agent_id": "a1", "status": "ok"], ["agent_id": "b2", "status": "error"],
                ]
            )
            #expect(second.map(\.lastSeen) == [Fixture.time(later), Fixture.time(later)])
            #expect(second.first?.id == first.first?.id)
        }
    }
}
