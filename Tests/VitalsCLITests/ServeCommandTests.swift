import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
import Vitals
import VitalsSQLite
import VitalsStore
import VitalsTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `vitals serve` as a user runs it: the built binary on 127.0.0.1, a real HTTP client, signals.
@Suite("vitals serve (live binary)", .timeLimit(.minutes(5)))
struct ServeCommandTests {
    /// A running `vitals serve` child process and the port it listens on.
    final class RunningServer: Sendable {
        let process: Process
        let port: Int
        let output: Pipe

        init(database: String, extraArguments: [String] = [], environment: [String: String] = [:]) throws {
            process = Process()
            process.executableURL = VitalsBinary.url
            process.arguments =
                ["serve", "--port", "0", "--database", database, "--log-level", "warning"] + extraArguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            output = ChildProcess.pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The first line names the bound port: "vitals serve: listening on http://127.0.0.1:PORT (store: …)".
            // A server that does not print it in time is killed, which ends the read.
            let startup = KillDeadline(process, after: Self.startupLimit)
            var text = ""
            let reader = output.fileHandleForReading
            while !text.contains("\n") {
                let data = reader.availableData
                if data.isEmpty { break }
                text += String(decoding: data, as: UTF8.self)
            }
            startup.disarm()
            guard let range = text.range(of: "http://127.0.0.1:"),
                let port = Int(text[range.upperBound...].prefix { $0.isNumber })
            else {
                ChildProcess.killAndReap(process)
                if startup.fired { throw ChildProcess.TimedOut(command: "vitals serve", timeLimit: Self.startupLimit) }
                throw ServeTestError("no listening line from vitals serve; got \(text.debugDescription)")
            }
            self.port = port
        }

        /// Starts a server on a thread of its own: waiting for its first line blocks, and the two threads of the
        /// shared concurrency pool must stay free for the other tests meanwhile.
        static func launch(
            database: String,
            extraArguments: [String] = [],
            environment: [String: String] = [:]
        ) async throws -> RunningServer {
            try await onThreadOfItsOwn {
                try RunningServer(database: database, extraArguments: extraArguments, environment: environment)
            }
        }

        /// A server left running by a test that ended early is killed, not left behind.
        deinit { ChildProcess.killAndReap(process) }

        static let startupLimit: Duration = .seconds(60)

        var url: String { "http://127.0.0.1:\(port)" }

        func signal(_ number: Int32) { kill(process.processIdentifier, number) }

        /// The exit status; a server still running a minute after it was signalled is killed and the test fails.
        func waitForExit(sourceLocation: SourceLocation = #_sourceLocation) async -> Int32 {
            do {
                return try await ChildProcess.waitForExit(process, timeLimit: .seconds(60))
            } catch {
                Issue.record(error, sourceLocation: sourceLocation)
                return process.terminationStatus
            }
        }
    }

    struct ServeTestError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func batch(_ number: Int, size: Int) -> String {
        let time = Timestamp.now().rfc3339
        return (0..<size).map { index in
            "{\"event\":\"durable\",\"ts\":\"\(time)\",\"duration_ms\":\(index % 97 + 1),\"worker_id\":\"w\(number % 8)\",\"batch\":\(number)}"
        }.joined(separator: "\n")
    }

    static func post(_ client: HTTPClient, _ url: String, _ body: String) async throws -> Int {
        var request = HTTPClientRequest(url: url + "/v1/events")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-ndjson")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// Events per `batch` attribute in the database.
    static func batches(in path: String) async throws -> [Int: Int] {
        let store = try await SQLiteStore.open(path: path)
        defer { Task { try? await store.close() } }
        let range = TimeRange(from: Timestamp(nanosecondsSinceEpoch: 0), to: Timestamp(nanosecondsSinceEpoch: .max))
        var counts: [Int: Int] = [:]
        var after: StoredEvent.Cursor?
        while true {
            let page = try await store.events(
                EventQuery(name: "durable", range: range, order: .oldestFirst, limit: 10_000, after: after)
            )
            for stored in page {
                if case .int(let batch) = stored.event.attributes["batch"] { counts[Int(batch), default: 0] += 1 }
            }
            guard page.count == 10_000, let last = page.last else { break }
            after = last.cursor
        }
        try await store.close()
        return counts
    }

    @Test("killed with SIGKILL during concurrent ingest: every batch answered 2xx is present in full after restart")
    func sigkillDurability() async throws {
        let folder = try TemporaryFolder()
        let database = folder.path("serve.db")
        let server = try await RunningServer.launch(database: database)
        let acknowledged = Acknowledged()
        let size = 250
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<6 {
                group.addTask {
                    var number = worker
                    while true {
                        guard let status = try? await Self.post(client, server.url, Self.batch(number, size: size))
                        else { return }
                        if (200..<300).contains(status) { acknowledged.insert(number) }
                        number += 6
                    }
                }
            }
            group.addTask {
                // Kill while batches are in flight, after a good number were acknowledged.
                while acknowledged.count < 40, !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
                server.signal(SIGKILL)
            }
        }
        try await client.shutdown()
        let status = await server.waitForExit()
        #expect(server.process.terminationReason == .uncaughtSignal)
        #expect(status == SIGKILL)
        let stored = try await Self.batches(in: database)
        let acked = acknowledged.all
        #expect(acked.count >= 40)
        for batch in acked { #expect(stored[batch] == size, "batch \(batch) was acknowledged") }
        for (batch, count) in stored { #expect(count == size, "batch \(batch) is half-present") }

        // The restarted server serves what was stored.
        let again = try await RunningServer.launch(database: database)
        let reader = HTTPClient(eventLoopGroupProvider: .singleton)
        let response = try await reader.execute(
            HTTPClientRequest(url: again.url + "/v1/stats?event=durable&window=1d"),
            timeout: .seconds(30)
        )
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        let count = ((json?["series"] as? [[String: Any]])?.compactMap { $0["count"] as? Int }.reduce(0, +))
        #expect(count == stored.values.reduce(0, +))
        try await reader.shutdown()
        again.signal(SIGTERM)
        #expect(await again.waitForExit() == 0)
    }

    @Test("SIGTERM: requests in flight finish, the store is flushed, the exit status is 0")
    func gracefulShutdown() async throws {
        let folder = try TemporaryFolder()
        let database = folder.path("graceful.db")
        let server = try await RunningServer.launch(database: database)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        for number in 0..<5 {
            #expect(try await Self.post(client, server.url, Self.batch(number, size: 100)) == 200)
        }
        // A batch in flight while the signal arrives either completes (2xx, then stored) or is refused.
        async let inFlight = try? Self.post(client, server.url, Self.batch(99, size: 2_000))
        try await Task.sleep(for: .milliseconds(5))
        server.signal(SIGTERM)
        let lastStatus = await inFlight
        #expect(await server.waitForExit() == 0)
        try await client.shutdown()
        let stored = try await Self.batches(in: database)
        for number in 0..<5 { #expect(stored[number] == 100) }
        if lastStatus == 200 { #expect(stored[99] == 2_000) }
        #expect(stored[99] == nil || stored[99] == 2_000)
    }

    @Test("vitals push sends files to a live vitals serve in batches; a bad line is reported as FILE:LINE")
    func pushToServe() async throws {
        let folder = try TemporaryFolder()
        let server = try await RunningServer.launch(database: folder.path("push.db"))
        var lines = Self.batch(1, size: 2_500).split(separator: "\n").map(String.init)
        lines[6] = "{\"event\":\"durable\",\"duration_ms\":\"slow\"}"
        let file = try folder.write("metrics.jsonl", lines.joined(separator: "\n") + "\n")
        let result = try await VitalsBinary.run(["push", file, "--server", server.url, "--batch-size", "1000"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("\(file):7:"), "\(result.stderr)")
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let response = try await client.execute(
            HTTPClientRequest(url: server.url + "/v1/stats?event=durable&window=1d"),
            timeout: .seconds(30)
        )
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        #expect((json?["series"] as? [[String: Any]])?.compactMap { $0["count"] as? Int }.reduce(0, +) == 2_499)
        try await client.shutdown()
        server.signal(SIGTERM)
        #expect(await server.waitForExit() == 0)
    }

    @Test("settings: flags win over the environment, which wins over the configuration file")
    func precedence() async throws {
        let folder = try TemporaryFolder()
        let config = try folder.write("vitals.yml", "port: 1\ndatabase: /nonexistent/file.db\nmax_body_bytes: 50\n")
        let database = folder.path("flag.db")
        let server = try await RunningServer.launch(
            database: database,
            extraArguments: ["--config", config],
            environment: ["VITALS_DATABASE": "/nonexistent/env.db", "VITALS_MAX_BODY_BYTES": "200"]
        )
        #expect(server.port != 1)
        #expect(FileManager.default.fileExists(atPath: database))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let body = Self.batch(1, size: 1)
        #expect(body.utf8.count > 50 && body.utf8.count < 200)
        #expect(try await Self.post(client, server.url, body) == 200)
        #expect(try await Self.post(client, server.url, Self.batch(2, size: 4)) == 413)
        try await client.shutdown()
        server.signal(SIGTERM)
        #expect(await server.waitForExit() == 0)
    }

    @Test("--demo: the simulated fleet's events and gauges are queryable within seconds of start")
    func demo() async throws {
        let folder = try TemporaryFolder()
        let server = try await RunningServer.launch(database: folder.path("demo.db"), extraArguments: ["--demo"])
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        func json(_ path: String) async throws -> [String: Any] {
            let response = try await client.execute(HTTPClientRequest(url: server.url + path), timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 24)
            return try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] ?? [:]
        }
        func count(_ event: String) async throws -> Int {
            let stats = try await json("/v1/stats?event=\(event)&window=1h")
            return (stats["series"] as? [[String: Any]])?.compactMap { $0["count"] as? Int }.reduce(0, +) ?? 0
        }
        // The history arrives a minute at a time; a discovery run (stage events) starts every 150 s. A query that
        // fails (the server answers 503 past its deadline when the machine is loaded) counts 0 and is asked again.
        var llmCalls = 0
        var stages = 0
        for _ in 0..<300 {
            llmCalls = try await count("llm_call")
            stages = try await count("stage")
            if stages > 0 && llmCalls > 1_000 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        // Ten minutes of history at once, at tens of events per second.
        #expect(llmCalls > 1_000)
        #expect(stages > 0)
        let series = try #require(try await json("/v1/series")["series"] as? [[String: Any]])
        let names = Set(series.compactMap { $0["name"] as? String })
        #expect(
            names.isSuperset(of: ["llm_call", "tool_call", "task", "stage", "workload_pct", "kb_coverage"]),
            "\(names)"
        )
        let failures = try await json("/v1/events?status=error&limit=5")
        #expect((failures["events"] as? [Any])?.isEmpty == false, "\(failures)")
        try await client.shutdown()
        server.signal(SIGTERM)
        #expect(await server.waitForExit() == 0)
    }

    @Test("a bad configuration file exits 2 with the file and line")
    func badConfiguration() async throws {
        let folder = try TemporaryFolder()
        let config = try folder.write("vitals.yml", "port: 8080\nmax_body_bytes: lots\n")
        let result = try await VitalsBinary.run(["serve", "--config", config, "--database", folder.path("x.db")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(config):2: max_body_bytes"))
    }

    @Test("a database that is not a Vitals database exits 2 naming it")
    func foreignDatabase() async throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("notes.db", "these are not SQLite pages")
        let result = try await VitalsBinary.run(["serve", "--port", "0", "--database", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("notes.db"))
    }
}

/// Batch numbers answered 2xx, shared by the posting tasks.
final class Acknowledged: Sendable {
    private let numbers = Mutex<Set<Int>>([])
    func insert(_ number: Int) { numbers.withLock { _ = $0.insert(number) } }
    var count: Int { numbers.withLock { $0.count } }
    var all: Set<Int> { numbers.withLock { $0 } }
}
