import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import Vitals
import VitalsDashboard
import VitalsStore

@testable import VitalsServer

/// The live streams share one overview computation per window and change generation; live pages share their HTML.
@Suite("Shared answers of the live streams and pages")
struct SharedAnswersTests {
    @Test("a hundred streams asking at once cost one computation; a new batch or another window computes again")
    func sharing() async throws {
        let fixture = try await ServerFixture()
        let computations = LockedValue(0)
        // Answers kept long enough that a loaded machine does not expire them mid-test; expiry is checked below.
        let shared = SharedAnswers<DashboardWindow, OverviewData>(reuseLimit: .seconds(600))
        let store = fixture.store
        let compute: @Sendable (DashboardWindow) -> @Sendable () async throws -> OverviewData = { window in
            {
                computations.withLock { $0 += 1 }
                return try await DashboardQueries.overview(store, window: window, alerts: nil)
            }
        }
        let answers = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    try await shared.value(.hour, current: 7, wanted: 7, compute: compute(.hour)).total.count
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 100)
        #expect(computations.withLock { $0 } == 1)

        _ = try await shared.value(.hour, current: 8, wanted: 6, compute: compute(.hour))
        #expect(computations.withLock { $0 } == 1, "a caller that knows of an older change takes the shared answer")
        _ = try await shared.value(.hour, current: 8, wanted: 8, compute: compute(.hour))
        #expect(computations.withLock { $0 } == 2, "a new batch is never answered from before it")
        _ = try await shared.value(.day, current: 8, wanted: 8, compute: compute(.day))
        #expect(computations.withLock { $0 } == 3, "each window has its own")

        let brief = SharedAnswers<DashboardWindow, OverviewData>(reuseLimit: .milliseconds(20))
        _ = try await brief.value(.hour, current: 1, wanted: 1, compute: compute(.hour))
        try await Task.sleep(for: .milliseconds(50))
        _ = try await brief.value(.hour, current: 1, wanted: 1, compute: compute(.hour))
        #expect(computations.withLock { $0 } == 5, "an answer older than the limit is computed again")
        try await store.close()
    }

    @Test("at most 32 answers are kept: past them, a new address is computed without being kept")
    func capacity() async throws {
        let computations = LockedValue(0)
        let shared = SharedAnswers<String, String>(reuseLimit: .seconds(600))
        let compute: @Sendable () async throws -> String = {
            computations.withLock { $0 += 1 }
            return String(repeating: "x", count: 1_000)
        }
        for index in 0..<40 { _ = try await shared.value("/page-\(index)", current: 1, wanted: 1, compute: compute) }
        #expect(computations.withLock { $0 } == 40)
        _ = try await shared.value("/page-0", current: 1, wanted: 1, compute: compute)
        #expect(computations.withLock { $0 } == 40, "the first 32 are kept")
        _ = try await shared.value("/page-39", current: 1, wanted: 1, compute: compute)
        #expect(computations.withLock { $0 } == 41, "the ones past them were not")
    }

    @Test("a page's refetch is never older than the change it names; alert actions count as changes")
    func pages() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test(.router) { client in
            func line(_ agent: String) -> String {
                "{\"event\":\"task\",\"ts\":\"\(Recent.time(seconds: 60))\",\"duration_ms\":5,\"agent_id\":\"\(agent)\"}"
            }
            try await client.post("/v1/events", line("first-agent"))
            let generation = fixture.server.changeGeneration.load(ordering: .acquiring)
            #expect(generation == 1)
            let header: (UInt64) -> HTTPFields = { [VitalsServer.generationHeader: String($0)] }
            let before = try await client.get("/agents?window=1h", headers: header(generation)).text
            #expect(before.contains("first-agent") && !before.contains("second-agent"))

            try await client.post("/v1/events", line("second-agent"))
            #expect(fixture.server.changeGeneration.load(ordering: .acquiring) == generation + 1)
            let refetched = try await client.get("/agents?window=1h", headers: header(generation + 1)).text
            #expect(refetched.contains("second-agent"), "the page the stream announced")
            let navigated = try await client.get("/agents?window=1h").text
            #expect(navigated.contains("second-agent"))
            // A header from no stream of this server (past its generation) is answered as the current one.
            let bogus = try await client.get("/agents?window=1h", headers: header(UInt64.max)).text
            #expect(bogus.contains("second-agent"))
        }

        let alerting = try await ServerFixture(alertingRules: DashboardAlertTests.rules)
        try await alerting.test(.router) { client in
            let bad = try await client.post("/v1/silences", "{\"matchers\":[\"a=~(\"],\"duration\":\"1h\"}")
            #expect(bad.status == .badRequest)
            #expect(
                alerting.server.changeGeneration.load(ordering: .acquiring) == 0,
                "a refused action changes nothing"
            )
            let created = try await client.post("/v1/silences", "{\"matchers\":[\"agent_id=a1\"],\"duration\":\"1h\"}")
            #expect(created.status == .created)
            #expect(alerting.server.changeGeneration.load(ordering: .acquiring) == 1)
        }
    }
}
