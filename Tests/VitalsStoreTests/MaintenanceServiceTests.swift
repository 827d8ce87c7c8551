import Logging
import ServiceLifecycle
import Testing
import Vitals
import VitalsStore

/// A clock that only moves when the test says so; `sleep` parks until then.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let state = LockedValue<(now: Instant, sleepers: [Sleeper])>((Instant(offset: .zero), []))

    var now: Instant { state.withLock { $0.now } }
    var minimumResolution: Duration { .zero }
    var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if deadline <= state.now { return true }
                state.sleepers.append(Sleeper(deadline: deadline, continuation: continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func advance(by duration: Duration) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    func cancelAll() {
        let sleepers = state.withLock { state in
            defer { state.sleepers = [] }
            return state.sleepers
        }
        for sleeper in sleepers { sleeper.continuation.resume(throwing: CancellationError()) }
    }
}

@Suite("Maintenance service")
struct MaintenanceServiceTests {
    static func count(_ store: some MetricStore, minutes: Range<Int64>) async throws -> UInt64 {
        let range = Fixture.range(
            Fixture.day0 + minutes.lowerBound * Fixture.minute,
            Fixture.day0 + minutes.upperBound * Fixture.minute
        )
        return try await store.eventStats(StatsQuery(name: "llm_call", range: range)).first?.statistics.count ?? 0
    }

    @Test("each pass rolls up and applies retention at the injected time, then waits for the clock")
    func passes() async throws {
        try await TestBackend.sqlite.withStore { store in
            _ = try await store.ingest(ConformanceRollupTests.threeDays())
            let clock = ManualClock()
            let wallTime = LockedValue<Int64>(Fixture.day0 + Fixture.day)
            let service = StoreMaintenanceService(
                store: store,
                interval: .seconds(60),
                clock: clock,
                now: { Timestamp(nanosecondsSinceEpoch: wallTime.withLock { $0 }) },
                logger: Logger(label: "test")
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                while clock.sleeperCount == 0 { await Task.yield() }
                // First pass at day 1: the first day is rolled into hours and one day.
                let oneDay = try await store.eventStats(
                    StatsQuery(name: "llm_call", range: Fixture.range(Fixture.day0, Fixture.day0 + 3 * Fixture.day))
                )
                #expect(oneDay.first?.statistics.count == 432)
                let firstSeries = try await store.events(
                    EventQuery(range: Fixture.range(Fixture.day0, Fixture.day0 + 3 * Fixture.day), limit: 1_000)
                )
                #expect(firstSeries.count == 432)
                #expect(try await Self.count(store, minutes: 5..<25) == 2)
                // Second pass 20 days later: raw events are past their 7 days and go.
                wallTime.withLock { $0 = Fixture.day0 + 20 * Fixture.day }
                clock.advance(by: .seconds(60))
                while clock.sleeperCount == 0 { await Task.yield() }
                let remaining = try await store.events(
                    EventQuery(range: Fixture.range(Fixture.day0, Fixture.day0 + 3 * Fixture.day), limit: 1_000)
                )
                #expect(remaining.isEmpty)
                let stats = try await store.eventStats(
                    StatsQuery(name: "llm_call", range: Fixture.range(Fixture.day0, Fixture.day0 + 3 * Fixture.day))
                )
                #expect(stats.first?.statistics.count == 432)
                // Minutes were rolled up and then pruned: an edge inside the first hour reads the whole hour.
                #expect(try await Self.count(store, minutes: 5..<25) == 6)
                group.cancelAll()
                clock.cancelAll()
            }
        }
    }
}
