import Testing
import Vitals
import VitalsStore

/// Which attribute values become series labels, run unchanged against every backend: the built-in packs select
/// `stage` and `tool_call` events by `stage` and `tier`, which clients send as text or as numbers.
@Suite("Conformance: attribute labels")
struct ConformanceLabelTests {
    @Test(
        "stage and tier are default labels; an integer or boolean of a label key is a label, a fraction is not",
        arguments: TestBackend.allCases
    )
    func numericLabels(backend: TestBackend) async throws {
        var configuration = StoreConfiguration.default
        configuration.labelKeys = SeriesKey.defaultLabelKeys + ["cross_session"]
        try await backend.withStore(configuration: configuration) { store in
            let t = Fixture.day0
            let decoder = JSONLDecoder()
            let ts = "\"ts\":\"\(Fixture.time(t).rfc3339)\""
            let lines = [
                #"{"event":"tool_call","tool":"search","tier":2,"duration_ms":5,"# + ts + "}",
                #"{"event":"stage","stage":"session","duration_ms":900,"# + ts + "}",
                #"{"event":"edge","cross_session":true,"duration_ms":1,"# + ts + "}",
            ]
            let decoded = try lines.map { try decoder.decode(line: $0) }
            let result = try await store.ingest(
                decoded + [
                    Fixture.event(
                        "tool_call",
                        end: t,
                        duration: 7,
                        labels: [:],
                        attributes: ["tool": "search", "tier": "2"]
                    ),
                    Fixture.event(
                        "tool_call",
                        end: t,
                        duration: 9,
                        labels: [:],
                        attributes: ["tool": "search", "tier": 2]
                    ),
                    Fixture.event(
                        "tool_call",
                        end: t,
                        duration: 3,
                        labels: [:],
                        attributes: ["tool": "ping", "tier": 1.5]
                    ),
                    Fixture.event("edge", end: t, duration: 1, labels: [:], attributes: ["cross_session": false]),
                ]
            )
            #expect(result.rejected.isEmpty)
            let series = try await store.series(SeriesQuery(kind: .event))
            #expect(
                Set(series.map { "\($0.key.name)\($0.key.labelsText)" }) == [
                    #"edge{"cross_session":"false","status":"ok"}"#,
                    #"edge{"cross_session":"true","status":"ok"}"#,
                    #"stage{"stage":"session","status":"ok"}"#,
                    #"tool_call{"status":"ok","tier":"2","tool":"search"}"#,
                    #"tool_call{"status":"ok","tool":"ping"}"#,
                ]
            )
            let range = Fixture.range(t, t + Fixture.minute)
            let tierTwo = try await store.eventStats(
                StatsQuery(name: "tool_call", range: range, matchers: [.equal("tier", "2")])
            )
            #expect(tierTwo.map(\.statistics.count) == [3])
            // The raw event keeps the number it was sent with.
            let raw = try await store.events(
                EventQuery(name: "tool_call", range: range, matchers: [.equal("tool", "search")])
            )
            #expect(Set(raw.compactMap { $0.event.attributes["tier"] }) == [.int(2), .string("2")])
        }
    }
}
