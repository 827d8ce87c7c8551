import Foundation
import Testing
import Vitals
import VitalsSQLite
import VitalsStore

/// The durable state and leases that alerting keeps beside the metrics, on both backends.
@Suite("State store", .timeLimit(.minutes(1)))
struct StateStoreTests {
    @Test("entries are replaced by key, deleted, listed by kind in key order, and survive reopening")
    func entries() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/vitals.db"
        let body = Array("{\"x\":1}".utf8) + [0, 255]
        do {
            let store = try await SQLiteStore.open(path: path)
            try await store.putState([
                StateEntry(kind: "alert", key: "b", body: [1]),
                StateEntry(kind: "alert", key: "a", body: body),
                StateEntry(kind: "silence", key: "a", body: [9]),
            ])
            try await store.putState([StateEntry(kind: "alert", key: "b", body: [2, 3])])
            try await store.deleteState(kind: "silence", keys: ["a", "missing"])
            try await store.close()
        }
        let store = try await SQLiteStore.open(path: path)
        #expect(try await store.loadState(kind: "alert").map(\.key) == ["a", "b"])
        #expect(try await store.loadState(kind: "alert").map(\.body) == [body, [2, 3]])
        #expect(try await store.loadState(kind: "silence").isEmpty)
        try await store.close()
    }

    @Test("state entries on every backend", arguments: TestBackend.allCases)
    func backends(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let many = (0..<500).map {
                StateEntry(
                    kind: "outbox",
                    key: String(format: "%04d", $0),
                    body: Array(repeating: UInt8($0 % 256), count: $0)
                )
            }
            try await store.putState(many)
            try await store.putState([StateEntry(kind: "outbox", key: "0001", body: [7])])
            let loaded = try await store.loadState(kind: "outbox")
            #expect(loaded.count == 500)
            #expect(loaded[1].body == [7])
            #expect(loaded[499].body == many[499].body)
            try await store.deleteState(kind: "outbox", keys: many.map(\.key))
            #expect(try await store.loadState(kind: "outbox").isEmpty)
        }
    }

    @Test("a lease has one holder until it expires or is released", arguments: TestBackend.allCases)
    func lease(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let t0 = Timestamp(nanosecondsSinceEpoch: 1_000_000_000_000)
            let later = { (seconds: Double) in t0.adding(milliseconds: seconds * 1_000) }
            #expect(try await store.acquireLease(name: "evaluator", holder: "a", expires: later(10), now: t0))
            #expect(try await !store.acquireLease(name: "evaluator", holder: "b", expires: later(15), now: later(5)))
            #expect(
                try await store.acquireLease(name: "evaluator", holder: "a", expires: later(20), now: later(9)),
                "renewed"
            )
            #expect(try await !store.acquireLease(name: "evaluator", holder: "b", expires: later(25), now: later(15)))
            #expect(
                try await store.acquireLease(name: "evaluator", holder: "b", expires: later(30), now: later(20)),
                "expired"
            )
            #expect(try await !store.acquireLease(name: "evaluator", holder: "a", expires: later(31), now: later(21)))
            try await store.releaseLease(name: "evaluator", holder: "a")
            #expect(
                try await !store.acquireLease(name: "evaluator", holder: "a", expires: later(32), now: later(22)),
                "not a's to release"
            )
            try await store.releaseLease(name: "evaluator", holder: "b")
            #expect(try await store.acquireLease(name: "evaluator", holder: "a", expires: later(33), now: later(23)))
            #expect(
                try await store.acquireLease(name: "other", holder: "b", expires: later(33), now: later(23)),
                "leases are by name"
            )
        }
    }

    @Test("the in-memory state store behaves the same")
    func inMemory() async throws {
        let store = InMemoryStateStore()
        await store.putState([StateEntry(kind: "k", key: "2", body: [2]), StateEntry(kind: "k", key: "1", body: [1])])
        #expect(await store.loadState(kind: "k").map(\.key) == ["1", "2"])
        let t0 = Timestamp(nanosecondsSinceEpoch: 0)
        #expect(await store.acquireLease(name: "l", holder: "a", expires: t0.adding(milliseconds: 10), now: t0))
        #expect(
            await !store.acquireLease(
                name: "l",
                holder: "b",
                expires: t0.adding(milliseconds: 20),
                now: t0.adding(milliseconds: 5)
            )
        )
        #expect(
            await store.acquireLease(
                name: "l",
                holder: "b",
                expires: t0.adding(milliseconds: 20),
                now: t0.adding(milliseconds: 10)
            )
        )
    }
}
