import Testing
import Vitals
import VitalsDashboard
import VitalsStore

@testable import VitalsServer

/// The live streams share one overview computation per window and ingest generation.
@Suite("Shared overview of the live streams")
struct SharedOverviewTests {
    @Test("a hundred streams asking at once cost one computation; a new batch or another window computes again")
    func sharing() async throws {
        let fixture = try await ServerFixture()
        let computations = LockedValue(0)
        let shared = SharedOverview()
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
                    try await shared.overview(.hour, generation: 7, compute: compute(.hour)).total.count
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 100)
        #expect(computations.withLock { $0 } == 1)

        _ = try await shared.overview(.hour, generation: 8, compute: compute(.hour))
        #expect(computations.withLock { $0 } == 2, "a new batch is never answered from before it")
        _ = try await shared.overview(.day, generation: 8, compute: compute(.day))
        #expect(computations.withLock { $0 } == 3, "each window has its own")
        try await store.close()
    }
}
