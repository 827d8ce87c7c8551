import Testing
import Vitals
import VitalsSQLite
import VitalsStore

/// Stores written before the 10-minute and 6-hour levels existed hold none of their buckets and no state for them:
/// queries must answer as before from the levels they have, and the next roll-up must add the new levels without
/// reading what retention already deleted.
@Suite("Bucket levels added to an existing store")
struct BucketLevelUpgradeTests {
    @Test("an older store answers the same before and after the new levels are rolled up")
    func olderStore() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/vitals.db"
        let now = Fixture.time(Fixture.day0 + 4 * Fixture.day + 12 * Fixture.hour)
        var store = try await SQLiteStore.open(path: path)
        _ = try await store.ingest(ConformanceRollupTests.threeDays())
        _ = try await store.rollUp(now: now)
        _ = try await store.applyRetention(now: now)
        try await store.close()
        // What an older Vitals leaves: minutes pruned (before the hour holding day0 + 2.5 days), hours and days
        // rolled up, nothing at the new levels.
        try SQLiteFixture.run(
            path,
            """
            DELETE FROM event_buckets WHERE level IN (3, 4);
            DELETE FROM store_state WHERE level IN (3, 4);
            """
        )
        let ranges = [
            Fixture.range(Fixture.day0 + 5 * Fixture.minute, Fixture.day0 + 3 * Fixture.day),
            Fixture.range(
                Fixture.day0 + 2 * Fixture.day + 13 * Fixture.hour + 25 * Fixture.minute,
                now.nanosecondsSinceEpoch
            ),
            Fixture.range(
                Fixture.day0 + 2 * Fixture.day + 3 * Fixture.hour + 5 * Fixture.minute,
                Fixture.day0 + 3 * Fixture.day - 7 * Fixture.minute
            ),
        ]
        func answers(_ store: some MetricStore) async throws -> [UInt64] {
            var counts: [UInt64] = []
            for range in ranges {
                let groups = try await store.eventStats(StatsQuery(name: "llm_call", range: range))
                counts.append(groups.first?.statistics.count ?? 0)
            }
            return counts
        }
        store = try await SQLiteStore.open(path: path)
        let before = try await answers(store)
        // Hours answer the pruned edge of the first range; minutes the rest.
        #expect(before == [432, 63, 126])
        let report = try await store.rollUp(now: now)
        #expect(report.tenMinuteBuckets > 0)
        #expect(report.sixHourBuckets > 0)
        #expect(try await answers(store) == before)
        _ = try await store.applyRetention(now: now)
        #expect(try await answers(store) == before)
        try await store.close()
    }
}
