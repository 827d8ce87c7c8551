import Foundation
import Testing
import Vitals
import VitalsSQLite
import VitalsStore

/// The SQLite store keeps event buckets in memory between commits (their raw events are durable): reads still
/// see every acknowledged event, a process that ends first loses nothing, and a second store on the same file
/// neither defers nor rebuilds what the first holds.
@Suite("Pending event buckets")
struct PendingBucketsTests {
    /// `count` events over `series` agents and three minutes, some failed, with token counts.
    static func batch(_ count: Int, series: Int, offset: Int = 0) -> [Record] {
        (0..<count).map { index in
            let number = index + offset
            return Fixture.event(
                end: Fixture.day0 + Int64(number % 3) * Fixture.minute + Int64(number),
                duration: Double(number % 89) + 0.25,
                status: number % 9 == 0 ? .error : .ok,
                labels: ["agent_id": "agent-\(number % series)"],
                attributes: ["prompt_tokens": .int(Int64(number % 17)), "cost_usd": .double(0.5)]
            )
        }
    }

    static let range = TimeRange(from: Fixture.time(Fixture.day0), to: Fixture.time(Fixture.day0 + Fixture.hour))

    static func count(_ path: String, _ table: String) throws -> Int {
        Int(try SQLiteFixture.run(path, "SELECT COUNT(*) FROM \(table)") ?? "") ?? -1
    }

    static func total(_ store: some MetricStore) async throws -> EventStatistics {
        var total = EventStatistics()
        for group in try await store.eventStats(StatsQuery(name: "llm_call", range: range, groupBy: ["agent_id"])) {
            total.merge(group.statistics)
        }
        return total
    }

    /// A store whose buckets wait for an hour unless something writes them: what waits can be seen.
    static func open(_ path: String, age: Duration = .seconds(3_600)) async throws -> BucketMetricStore {
        try await SQLiteStore.open(path: path, pendingBucketAge: age)
    }

    @Test("buckets wait in memory, and a read writes them first")
    func readsSeeEverything() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/vitals.db"
        let store = try await Self.open(path)
        _ = try await store.ingest(Self.batch(1_000, series: 500))
        _ = try await store.ingest(Self.batch(1_000, series: 500, offset: 1_000))
        #expect(try Self.count(path, "event_buckets") == 0, "the event buckets wait")
        #expect(try Self.count(path, "pending_spans") == 2)
        #expect(try Self.count(path, "events") == 2_000, "the raw events are written")
        let total = try await Self.total(store)
        #expect(total.count == 2_000)
        #expect(total.attributeSums["cost_usd"] == 1_000)
        #expect(try Self.count(path, "pending_spans") == 0)
        #expect(try Self.count(path, "event_buckets") > 0)
        let series = try await store.series(SeriesQuery(kind: .event, name: "llm_call"))
        #expect(Set(series.compactMap { $0.key.labels["agent_id"] }).count == 500)

        _ = try await store.ingest(Self.batch(10, series: 5, offset: 2_000))
        #expect(try Self.count(path, "pending_spans") == 1)
        let latest = try await store.series(SeriesQuery(kind: .event, name: "llm_call")).map(\.lastSeen).max()
        #expect(latest == Fixture.time(Fixture.day0 + 2 * Fixture.minute + 2_009), "known series' last seen moved")
        _ = try await store.ingest(Self.batch(10, series: 5, offset: 3_000))
        try await store.close()
        #expect(try Self.count(path, "pending_spans") == 0, "closing writes them")
        let reopened = try await Self.open(path)
        #expect(try await Self.total(reopened).count == 2_020)
        try await reopened.close()
    }

    @Test("with no read, waiting buckets are written once their age is reached")
    func writtenByAge() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/vitals.db"
        let store = try await Self.open(path, age: .milliseconds(200))
        _ = try await store.ingest(Self.batch(100, series: 10))
        let deadline = ContinuousClock.now + .seconds(30)
        while try Self.count(path, "pending_spans") > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try Self.count(path, "pending_spans") == 0)
        #expect(try Self.count(path, "event_buckets") > 0)
        try await store.close()
    }

    @Test("buckets left pending by a process that ended are rebuilt from the raw events, figure for figure")
    func rebuiltFromRawEvents() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/vitals.db"
        let store = try await Self.open(path)
        for round in 0..<4 { _ = try await store.ingest(Self.batch(700, series: 40, offset: round * 700)) }
        let before = try await store.eventStats(StatsQuery(name: "llm_call", range: Self.range, groupBy: ["agent_id"]))
        try await store.close()
        // What a process killed before writing its buckets leaves: raw events and pending spans, no buckets.
        try SQLiteFixture.run(
            path,
            "DELETE FROM event_buckets; INSERT INTO pending_spans (first_id) SELECT first_id FROM event_spans;"
        )
        #expect(try Self.count(path, "pending_spans") == 4)
        let reopened = try await Self.open(path)
        #expect(try Self.count(path, "pending_spans") == 0, "rebuilt at open")
        let after = try await reopened.eventStats(
            StatsQuery(name: "llm_call", range: Self.range, groupBy: ["agent_id"])
        )
        #expect(after.count == 40)
        #expect(after.map(\.labels) == before.map(\.labels))
        for (old, new) in zip(before, after) {
            #expect(new.statistics.count == old.statistics.count)
            #expect(new.statistics.errors == old.statistics.errors)
            #expect(new.statistics.durations.sum == old.statistics.durations.sum)
            #expect(new.statistics.durations.quantile(0.95) == old.statistics.durations.quantile(0.95))
            #expect(new.statistics.attributeSums == old.statistics.attributeSums)
        }
        try await reopened.close()
    }

    @Test("a second store on the same file writes its buckets at once and leaves the first one's pending alone")
    func secondStore() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/vitals.db"
        let first = try await Self.open(path)
        _ = try await first.ingest(Self.batch(300, series: 30))
        #expect(try Self.count(path, "pending_spans") == 1)
        let second = try await Self.open(path)
        #expect(try Self.count(path, "pending_spans") == 1, "not rebuilt by the second store: the first is alive")
        _ = try await second.ingest(Self.batch(200, series: 30, offset: 300))
        #expect(try Self.count(path, "pending_spans") == 1, "the second store writes its buckets at once")
        try await first.close()
        #expect(try await Self.total(second).count == 500)
        try await second.close()
        let third = try await Self.open(path)
        _ = try await third.ingest(Self.batch(100, series: 30, offset: 500))
        #expect(try Self.count(path, "pending_spans") == 1, "the lock is free again: the third store defers")
        #expect(try await Self.total(third).count == 600)
        try await third.close()
    }
}
