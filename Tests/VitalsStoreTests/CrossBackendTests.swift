import Testing
import Vitals
import VitalsStore

/// The two backends, fed the same events, give the same answers to every kind of query.
@Suite("Conformance: SQLite and PostgreSQL agree")
struct CrossBackendTests {
    /// Three days of events on 6 agents, 3 models and 2 tools, with failures, late events and gauges.
    static func workload() -> [[Record]] {
        var random = SeededGenerator(seed: 2_026)
        var batches: [[Record]] = []
        for batch in 0..<12 {
            var records: [Record] = []
            for index in 0..<400 {
                let offset = Int64(batch) * 6 * Fixture.hour + Int64(index) * 54 * 1_000_000_000
                let late = index % 97 == 0 ? -Int64.random(in: 0...Fixture.day, using: &random) : 0
                let failed = Int.random(in: 0..<20, using: &random) == 0
                let isTool = index % 4 == 0
                let attributes: Attributes =
                    isTool
                    ? ["tool": .string(["search", "ssh"][index % 2])]
                    : ["model": .string(["m1", "m2", "m3"][index % 3]), "total_tokens": .int(Int64(index % 50))]
                records.append(
                    Fixture.event(
                        isTool ? "tool_call" : "llm_call",
                        end: Fixture.day0 + offset + late,
                        duration: Double.random(in: 1...3_000, using: &random).rounded(),
                        status: failed ? .error : .ok,
                        labels: ["agent_id": "a\(index % 6)"],
                        attributes: attributes
                    )
                )
            }
            records.append(
                .sample(
                    Sample(
                        name: "queue_depth",
                        value: Double(batch),
                        timestamp: Fixture.time(Fixture.day0 + Int64(batch) * Fixture.hour)
                    )
                )
            )
            batches.append(records)
        }
        return batches
    }

    /// Everything a store answers about the workload, in one comparable value.
    struct Answers: Equatable {
        var stats: [EventStatsGroup]
        var series: [EventTimeSeries]
        var gauges: [GaugeStatsGroup]
        var slowest: [StoredEvent]
        var failed: [StoredEvent]
        var list: [SeriesInfo]
    }

    static func answers(_ store: some MetricStore) async throws -> Answers {
        let range = Fixture.range(Fixture.day0 - Fixture.day + 7 * Fixture.minute, Fixture.day0 + 3 * Fixture.day - 13)
        let grouped = StatsQuery(name: "llm_call", range: range, groupBy: ["agent_id", "model"])
        return Answers(
            stats: try await store.eventStats(grouped),
            series: try await store.eventTimeSeries(
                StatsQuery(name: "llm_call", range: range, groupBy: ["model"]),
                step: .seconds(3 * 3_600)
            ),
            gauges: try await store.gaugeStats(StatsQuery(name: "queue_depth", range: range)),
            slowest: try await store.events(EventQuery(range: range, order: .slowestFirst, limit: 25)),
            failed: try await store.events(
                EventQuery(
                    name: "llm_call",
                    range: range,
                    matchers: [.equal("model", "m2")],
                    failedOnly: true,
                    order: .newestFirst,
                    limit: 25
                )
            ),
            list: try await store.series(SeriesQuery())
        )
    }

    @Test("same events, same answers, before and after roll-ups and retention")
    func sameAnswers() async throws {
        guard TestBackend.postgresURL != nil else { try Test.cancel(TestBackend.postgresSkipNote) }
        var configuration = StoreConfiguration.default
        configuration.seriesLimitPerName = 20
        var results: [[Answers]] = []
        for backend in TestBackend.allCases {
            results.append(
                try await backend.withStore(configuration: configuration) { store in
                    for batch in Self.workload() { _ = try await store.ingest(batch) }
                    var phases = [try await Self.answers(store)]
                    _ = try await store.rollUp(now: Fixture.time(Fixture.day0 + 3 * Fixture.day + Fixture.hour))
                    phases.append(try await Self.answers(store))
                    _ = try await store.applyRetention(now: Fixture.time(Fixture.day0 + 9 * Fixture.day))
                    phases.append(try await Self.answers(store))
                    return phases
                }
            )
        }
        for phase in 0..<3 {
            let sqlite = results[0][phase]
            let postgres = results[1][phase]
            #expect(sqlite.stats == postgres.stats, "phase \(phase): stats")
            #expect(sqlite.series == postgres.series, "phase \(phase): time series")
            #expect(sqlite.gauges == postgres.gauges, "phase \(phase): gauges")
            #expect(sqlite.slowest == postgres.slowest, "phase \(phase): slowest events")
            #expect(sqlite.failed == postgres.failed, "phase \(phase): failed events")
            #expect(sqlite.list == postgres.list, "phase \(phase): series list")
        }
        #expect(results[0][0].stats.reduce(0) { $0 + $1.statistics.count } > 0)
        #expect(results[0][0].slowest.count == 25)
    }
}
