import Foundation
import Testing
import Vitals
import VitalsSQLite
import VitalsStore

// The sanitizer builds (Sanitizers/Package.swift) leave PostgreSQL out.
#if canImport(VitalsPostgres)
import VitalsPostgres
#endif

/// Opening refuses what it must not touch, with a clear message, and changes nothing.
@Suite("Opening stores")
struct StoreOpeningTests {
    @Test("a file that is not a database is refused and left unchanged")
    func corruptFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/notes.db"
        let content = Data("this is not a database, just some text\n".utf8) + Data(repeating: 0x42, count: 4_096)
        try content.write(to: URL(fileURLWithPath: path))
        let error = await #expect(throws: StoreError.self) { _ = try await SQLiteStore.open(path: path) }
        #expect(error?.code == .corruptDatabase)
        #expect(error?.message.contains(path) == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == content)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["notes.db"])
    }

    @Test("another application's SQLite database is refused and left unchanged")
    func foreignDatabase() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/app.db"
        try SQLiteFixture.run(
            path,
            "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, 'ada');"
        )
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let error = await #expect(throws: StoreError.self) { _ = try await SQLiteStore.open(path: path) }
        #expect(error?.code == .notVitalsDatabase)
        #expect(error?.message.contains("users") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("a database of a newer schema is refused and left unchanged")
    func newerSchema() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/vitals.db"
        let store = try await SQLiteStore.open(path: path)
        _ = try await store.ingest([Fixture.event(end: Fixture.day0, duration: 1)])
        try await store.close()
        try SQLiteFixture.run(path, "INSERT INTO vitals_schema VALUES (99, 'from the future', 0);")
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let error = await #expect(throws: StoreError.self) { _ = try await SQLiteStore.open(path: path) }
        #expect(error?.code == .schemaTooNew)
        #expect(error?.message.contains("99") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("reopening keeps the data and applies no migration twice")
    func reopen() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/vitals.db"
        for round in 1...2 {
            let store = try await SQLiteStore.open(path: path)
            _ = try await store.ingest([Fixture.event(end: Fixture.day0, duration: 1)])
            let stats = try await store.eventStats(
                StatsQuery(name: "llm_call", range: Fixture.range(Fixture.day0, Fixture.day0 + 1))
            )
            #expect(stats.first?.statistics.count == UInt64(round))
            try await store.close()
        }
        let migrations = try SQLiteFixture.run(path, "SELECT COUNT(*) FROM vitals_schema;")
        #expect(migrations == "5", "one row per migration, once")
    }

    @Test("a missing directory and a closed store are clear errors")
    func locationAndClosed() async throws {
        let missing = await #expect(throws: StoreError.self) {
            _ = try await SQLiteStore.open(path: "/nonexistent-dir-\(UUID().uuidString)/vitals.db")
        }
        #expect(missing?.code == .invalidLocation)
        let directory = try TemporaryDirectory()
        let store = try await SQLiteStore.open(path: directory.path + "/vitals.db")
        try await store.close()
        let closed = await #expect(throws: StoreError.self) { _ = try await store.ingest([]) }
        #expect(closed?.code == .closed)
    }

    #if canImport(VitalsPostgres)
    @Test("an unreachable PostgreSQL is named by host and port")
    func unreachablePostgres() async throws {
        let port = try FreePort.find()
        let error = await #expect(throws: StoreError.self) {
            _ = try await PostgresStore.open(
                url: "postgres://vitals@127.0.0.1:\(port)/vitals",
                connectTimeout: .seconds(2)
            )
        }
        #expect(error?.code == .unreachable)
        #expect(error?.message.contains("127.0.0.1:\(port)") == true)
        #expect(error?.message.contains("\n") == false)
    }

    @Test("malformed PostgreSQL URLs say what is missing")
    func badURLs() throws {
        for url in [
            "postgres://127.0.0.1/vitals", "postgres://u@127.0.0.1", "mysql://u@h/db",
            "postgres://u@h/db?sslmode=maybe",
        ] {
            let error = #expect(throws: StoreError.self) { _ = try PostgresLocation(url: url) }
            #expect(error?.code == .invalidLocation, "\(url)")
        }
        let location = try PostgresLocation(url: "postgres://me:p%40ss@db.local:6543/metrics?schema=team_a")
        #expect(location.password == "p@ss" && location.port == 6543 && location.schema == "team_a")
        #expect(!location.description.contains("p@ss"))
    }

    @Test("a PostgreSQL schema of a newer Vitals or of another application is refused")
    func postgresRefusals() async throws {
        guard let base = TestBackend.postgresURL else { try Test.cancel(TestBackend.postgresSkipNote) }
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let url = TestBackend.url(base, schema: schema)
        try await PostgresStore.withStore(url: url) { store in
            _ = try await store.ingest([Fixture.event(end: Fixture.day0, duration: 1)])
        }
        try await PostgresFixture.execute(url, "INSERT INTO vitals_schema VALUES (99, 'from the future', 0)")
        let newer = await #expect(throws: StoreError.self) { _ = try await PostgresStore.open(url: url) }
        #expect(newer?.code == .schemaTooNew)
        try await PostgresFixture.execute(url, "DROP TABLE vitals_schema")
        let foreign = await #expect(throws: StoreError.self) { _ = try await PostgresStore.open(url: url) }
        #expect(foreign?.code == .notVitalsDatabase)
        #expect(try await PostgresFixture.execute(url, "SELECT COUNT(*) FROM events") == "1")
        try await PostgresStore.dropSchema(url: url)
    }
    #endif
}
