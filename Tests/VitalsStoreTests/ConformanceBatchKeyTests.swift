import Testing
import Vitals
import VitalsStore

/// Batch keys (`Idempotency-Key`), run unchanged against every backend: a retried batch is stored once.
@Suite("Conformance: batch keys")
struct ConformanceBatchKeyTests {
    static func count(_ store: any MetricStore) async throws -> UInt64 {
        let groups = try await store.eventStats(
            StatsQuery(name: "llm_call", range: Fixture.range(Fixture.day0, Fixture.day0 + Fixture.hour))
        )
        return groups.first?.statistics.count ?? 0
    }

    @Test(
        "the same key again is a duplicate, even sent twice at once; another key or none stores again",
        arguments: TestBackend.allCases
    )
    func retriesAreStoredOnce(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let t = Fixture.day0 + 10 * Fixture.minute
            let batch = [Fixture.event(end: t, duration: 100), Fixture.event(end: t + 1, duration: 200)]
            let received = Timestamp(nanosecondsSinceEpoch: t)
            let first = try await store.ingest(batch, receivedAt: received, batchKey: "batch-1")
            #expect(first.acceptedEvents == 2 && !first.duplicate)
            let retry = try await store.ingest(batch, receivedAt: received, batchKey: "batch-1")
            #expect(retry.duplicate, "a retry of a committed batch")
            #expect(retry.acceptedEvents == 2, "the counts of the copy")
            #expect(try await Self.count(store) == 2)

            // Two copies at once may share a commit round: still one is stored.
            async let a = store.ingest(batch, receivedAt: received, batchKey: "batch-2")
            async let b = store.ingest(batch, receivedAt: received, batchKey: "batch-2")
            let pair = try await [a, b]
            #expect(pair.filter(\.duplicate).count == 1)
            #expect(try await Self.count(store) == 4)

            #expect(try await store.ingest(batch, receivedAt: received, batchKey: "batch-3").duplicate == false)
            #expect(try await store.ingest(batch, receivedAt: received).duplicate == false)
            #expect(try await Self.count(store) == 8)
        }
    }

    @Test("keys are forgotten after a day: a retry later than that stores again", arguments: TestBackend.allCases)
    func keysExpire(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let t = Fixture.day0 + 10 * Fixture.minute
            let received = Timestamp(nanosecondsSinceEpoch: t)
            let later = Timestamp(nanosecondsSinceEpoch: t + 12 * Fixture.hour)
            _ = try await store.ingest([Fixture.event(end: t, duration: 1)], receivedAt: received, batchKey: "old")
            _ = try await store.ingest([Fixture.event(end: t, duration: 1)], receivedAt: later, batchKey: "recent")
            let report = try await store.applyRetention(now: Timestamp(nanosecondsSinceEpoch: t + 30 * Fixture.hour))
            #expect(report.batchKeys == 1)
            let old = try await store.ingest([Fixture.event(end: t, duration: 1)], receivedAt: later, batchKey: "old")
            #expect(!old.duplicate)
            let recent = try await store.ingest(
                [Fixture.event(end: t, duration: 1)],
                receivedAt: later,
                batchKey: "recent"
            )
            #expect(recent.duplicate)
        }
    }
}
