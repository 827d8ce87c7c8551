#if canImport(VitalsPostgres)
import Foundation
import Logging
import PostgresNIO
import Testing
import Vitals
import VitalsPostgres
import VitalsStore

/// The ingest deadline of the PostgreSQL store, against the real server.
@Suite("PostgreSQL ingest deadline")
struct PostgresDeadlineTests {
    @Test(
        "an ingest step that waits on the server past the deadline fails; the next batch goes through",
        .enabled(if: TestBackend.postgresURL != nil),
        .timeLimit(.minutes(1))
    )
    func deadline() async throws {
        let base = try #require(TestBackend.postgresURL)
        let url = TestBackend.url(
            base,
            schema: "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        )
        defer { Task { try? await PostgresStore.dropSchema(url: url) } }
        let t = Fixture.day0 + Fixture.minute
        try await PostgresStore.withStore(url: url, ingestDeadline: .seconds(3)) { store in
            // On a loaded machine a step may outlast the short deadline of this test: retried as a client would.
            func ingest(_ records: [Record], key: String) async throws -> IngestResult {
                for _ in 0..<9 {
                    do {
                        return try await store.ingest(records, receivedAt: .now(), batchKey: key)
                    } catch let error as StoreError where error.message.contains("did not finish within") {
                        continue
                    }
                }
                return try await store.ingest(records, receivedAt: .now(), batchKey: key)
            }
            _ = try await ingest([Fixture.event(end: t, duration: 1)], key: "k0")
            // Another session holds the series table, as a server stuck mid-transaction would; it lets go only after
            // the ingest has answered, so the answer can only come from the deadline.
            let holder = try await PostgresFixture.connect(url)
            let logger = Logger(label: "vitals.tests")
            try await holder.query("BEGIN", logger: logger)
            try await holder.query("LOCK TABLE series IN ACCESS EXCLUSIVE MODE", logger: logger)
            let error = await #expect(throws: StoreError.self) {
                _ = try await store.ingest(
                    [Fixture.event("tool_call", end: t, duration: 2)],
                    receivedAt: .now(),
                    batchKey: "k1"
                )
            }
            #expect(error?.message.contains("did not finish within") == true, "\(String(describing: error))")
            try await holder.query("ROLLBACK", logger: logger)
            try await holder.close()

            let retry = try await ingest([Fixture.event("tool_call", end: t, duration: 2)], key: "k1")
            #expect(retry.acceptedEvents == 1)
            let stats = try await store.eventStats(
                StatsQuery(name: "tool_call", range: Fixture.range(Fixture.day0, Fixture.day0 + Fixture.hour))
            )
            #expect(stats.first?.statistics.count == 1)
        }
    }
}
#endif
