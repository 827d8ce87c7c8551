import Foundation
import Testing
import Vitals
import VitalsSQLite
import VitalsStore

/// Batches find the series the store wrote before without building their keys (``KnownEventSeries``) and, on
/// SQLite, add each raw row straight to the buckets waiting in memory. The figures must be those of adding the
/// events up one by one, with the series limit, rejections and a reopened store (whose table starts empty).
@Suite("Known event series")
struct KnownSeriesTests {
    /// The series of an event as the test sees it: name, agent, model, outcome.
    struct SeriesID: Hashable {
        var name: String
        var agent: String
        var model: String
        var status: String
    }

    static let agentSuffix = "-7f3a9c2e-41b8-4f7e-9d1c-aa5e6b7c8d9e"

    /// Batch `number`: 300 events, most of them in a series of their own; `llm_call` has more series than the
    /// limit allows, `tool_call` fewer; one event per batch has a label value the store refuses.
    static func batch(_ number: Int) -> [Record] {
        (0..<300).map { index in
            let serial = number * 300 + index
            let name = index % 3 == 0 ? "tool_call" : "llm_call"
            let agent = "agent-\(index % 60)" + agentSuffix
            let model = name == "tool_call" ? "none" : ["m1", "m2", "m3"][(index / 60) % 3]
            let refused = index == 150
            return Fixture.event(
                name,
                end: Fixture.day0 + Int64(serial) * 1_000_000_000,
                duration: Double(serial % 997) + 0.5,
                status: serial % 7 == 0 ? .error : .ok,
                labels: ["agent_id": refused ? "agent-\u{1}" : agent, "model": model],
                attributes: ["prompt_tokens": .int(Int64(serial % 50)), "cost_usd": .double(0.25)]
            )
        }
    }

    /// What the store must answer: per admitted series, and for each name's overflow series.
    static func expected(
        batches: Int,
        limit: Int
    ) -> (series: [SeriesID: EventStatistics], overflow: [String: EventStatistics]) {
        var series: [SeriesID: EventStatistics] = [:]
        var admitted: [String: Set<SeriesID>] = [:]
        var overflow: [String: EventStatistics] = [:]
        for number in 0..<batches {
            for case .event(let event) in batch(number) {
                guard let agent = event.labels["agent_id"], agent.hasSuffix(agentSuffix) else { continue }
                let id = SeriesID(
                    name: event.name,
                    agent: agent,
                    model: event.labels["model"] ?? "",
                    status: event.status.rawValue
                )
                var statistics = EventStatistics()
                statistics.add(event, additiveAttributes: ["prompt_tokens", "cost_usd"])
                if admitted[event.name, default: []].contains(id) || admitted[event.name, default: []].count < limit {
                    admitted[event.name, default: []].insert(id)
                    series[id, default: EventStatistics()].merge(statistics)
                } else {
                    overflow[event.name, default: EventStatistics()].merge(statistics)
                }
            }
        }
        return (series, overflow)
    }

    @Test("known series, the series limit and rejections give the figures of adding the events one by one")
    func sameFigures() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/vitals.db"
        var configuration = StoreConfiguration.default
        configuration.seriesLimitPerName = 100
        configuration.additiveAttributes = ["prompt_tokens", "cost_usd"]
        let batches = 8
        var store = try await SQLiteStore.open(path: path, configuration: configuration)
        for number in 0..<batches {
            if number == 5 {
                // A new process: its table of known series starts empty.
                try await store.close()
                store = try await SQLiteStore.open(path: path, configuration: configuration)
            }
            let result = try await store.ingest(Self.batch(number))
            #expect(result.acceptedEvents == 299, "batch \(number)")
            #expect(result.rejected.map(\.index) == [150], "batch \(number)")
            #expect(result.rejected.first?.reason.contains("control character") == true)
            if number == 3 {
                #expect(store.knownEventSeriesCount > 100, "the written series are known after a few batches")
            }
        }
        let (series, overflow) = Self.expected(batches: batches, limit: 100)
        // 20 agents call tools, with two outcomes each.
        #expect(series.count == 100 + 40, "100 llm_call series admitted, 40 tool_call series")
        let range = Fixture.range(Fixture.day0, Fixture.day0 + Fixture.day)
        var compared = 0
        for name in ["llm_call", "tool_call"] {
            let groups = try await store.eventStats(
                StatsQuery(name: name, range: range, groupBy: ["agent_id", "model", "status"])
            )
            var rest = EventStatistics()
            for group in groups {
                guard let agent = group.labels["agent_id"], agent != SeriesKey.overflowLabel else {
                    rest.merge(group.statistics)
                    continue
                }
                let id = SeriesID(
                    name: name,
                    agent: agent,
                    model: group.labels["model"] ?? "",
                    status: group.labels["status"] ?? ""
                )
                let want = try #require(series[id], "unexpected group \(group.labels)")
                Self.expectSame(group.statistics, want, "\(id)")
                compared += 1
            }
            Self.expectSame(rest, overflow[name] ?? EventStatistics(), "\(name) overflow")
        }
        #expect(compared == series.count)
        #expect(overflow["llm_call"].map(\.count) ?? 0 > 0, "some llm_call series overflowed")
        #expect(overflow["tool_call"] == nil, "no tool_call series overflowed")
        try await store.close()
    }

    static func expectSame(_ got: EventStatistics, _ want: EventStatistics, _ what: String) {
        #expect(got.count == want.count, "\(what): count")
        #expect(got.errors == want.errors, "\(what): errors")
        #expect(got.durations.sum == want.durations.sum, "\(what): duration sum")
        #expect(got.durations.quantile(0.9) == want.durations.quantile(0.9), "\(what): p90")
        #expect(got.durations.max == want.durations.max, "\(what): max")
        #expect(got.attributeSums == want.attributeSums, "\(what): sums")
    }
}
