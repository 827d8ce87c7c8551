import Foundation
import Testing
import Vitals
import VitalsSQLite
import VitalsStore

// The sanitizer builds (Sanitizers/Package.swift) leave PostgreSQL out: its cases are skipped there.
#if canImport(VitalsPostgres)
import VitalsPostgres
#endif

/// The backends the conformance suite runs against. PostgreSQL needs `VITALS_TEST_POSTGRES_URL` (the test
/// script starts a server and sets it); without it, every PostgreSQL case is skipped with a note saying so.
enum TestBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    static var postgresURL: String? {
        let url = ProcessInfo.processInfo.environment["VITALS_TEST_POSTGRES_URL"]
        return url?.isEmpty == false ? url : nil
    }

    static let postgresSkipNote: Comment =
        "VITALS_TEST_POSTGRES_URL is not set: PostgreSQL case skipped (scripts/test starts a server and sets it)"

    /// Opens a fresh, empty store of this backend for `body`, and deletes it afterwards.
    func withStore<R: Sendable>(
        configuration: StoreConfiguration = .default,
        _ body: (BucketMetricStore) async throws -> R
    ) async throws -> R {
        try await withStore(configuration: configuration) { store, _ in try await body(store) }
    }

    /// SQL run on a store's database beside the store (to make its data look as an older version wrote it).
    typealias DirectSQL = @Sendable (String) async throws -> Void

    /// Opens a fresh, empty store of this backend for `body`, with a way to run SQL on its database, and deletes
    /// it afterwards.
    func withStore<R: Sendable>(
        configuration: StoreConfiguration = .default,
        _ body: (BucketMetricStore, DirectSQL) async throws -> R
    ) async throws -> R {
        switch self {
        case .sqlite:
            let directory = try TemporaryDirectory()
            let path = directory.path + "/vitals.db"
            let store = try await SQLiteStore.open(path: path, configuration: configuration)
            do {
                let result = try await body(store) { sql in try SQLiteFixture.run(path, sql) }
                try await store.close()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        case .postgres:
            #if canImport(VitalsPostgres)
            guard let base = Self.postgresURL else { try Test.cancel(Self.postgresSkipNote) }
            let url = Self.url(
                base,
                schema: "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            )
            do {
                let result = try await PostgresStore.withStore(url: url, configuration: configuration) { store in
                    try await body(store) { sql in try await PostgresFixture.execute(url, sql) }
                }
                try? await PostgresStore.dropSchema(url: url)
                return result
            } catch {
                try? await PostgresStore.dropSchema(url: url)
                throw error
            }
            #else
            try Test.cancel("built without VitalsPostgres: PostgreSQL case skipped")
            #endif
        }
    }

    /// `base` with a `schema=` parameter added.
    static func url(_ base: String, schema: String) -> String {
        base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
    }
}

/// A directory under /tmp removed when the value is released.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "vitals-store-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Times and events for the suites: everything happens on fixed days in January 2026, never "now".
enum Fixture {
    /// 2026-01-05T00:00:00Z in nanoseconds.
    static let day0: Int64 = 1_767_571_200_000_000_000
    static let minute: Int64 = 60_000_000_000
    static let hour: Int64 = 3_600_000_000_000
    static let day: Int64 = 86_400_000_000_000

    static func time(_ nanoseconds: Int64) -> Timestamp { Timestamp(nanosecondsSinceEpoch: nanoseconds) }

    /// An event ending at `end` (nanoseconds), with the given labels and attributes.
    static func event(
        _ name: String = "llm_call",
        end: Int64,
        duration: Double,
        status: EventStatus = .ok,
        labels: Labels = ["agent_id": "a1"],
        attributes: Attributes = [:]
    ) -> Record {
        .event(
            Event(
                name: name,
                end: time(end),
                durationMilliseconds: duration,
                status: status,
                error: status.isFailure ? "failed: \(status.rawValue)" : nil,
                labels: labels,
                attributes: attributes
            )
        )
    }

    static func range(_ from: Int64, _ to: Int64) -> TimeRange { TimeRange(from: time(from), to: time(to)) }
}

/// A deterministic generator (SplitMix64), so that "random" data is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The exact nearest-rank quantile of sorted values (the sketch's definition).
func exactQuantile(_ sorted: [Double], _ q: Double) -> Double {
    if q <= 0 { return sorted[0] }
    let rank = max(1, Int((q * Double(sorted.count)).rounded(.up)))
    return sorted[min(rank, sorted.count) - 1]
}
