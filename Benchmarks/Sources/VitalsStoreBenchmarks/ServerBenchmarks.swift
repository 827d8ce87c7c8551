import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Vitals
import VitalsSQLite
import VitalsServer
import VitalsStore

/// `vitals serve` figures. The server runs in a child process — this executable started again in `serve-child`
/// mode, which does what `vitals serve` does: open the SQLite store, run `VitalsServer` on 127.0.0.1, port 0 — and
/// this process is the load generator (AsyncHTTPClient, keep-alive connections, bodies encoded beforehand).
enum ServerBenchmarks {
    /// The child: `serve-child DATABASE`. Prints `listening PORT` once the server accepts connections.
    static func serveChild(database: String) async throws {
        var logger = Logger(label: "vitals.bench.child")
        logger.logLevel = .warning
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.database = database
        let store = try await SQLiteStore.open(path: database, configuration: configuration.store)
        let server = VitalsServer(configuration: configuration, store: store, logger: logger)
        try await server.run { port in
            FileHandle.standardOutput.write(Data("listening \(port)\n".utf8))
        }
        try await store.close()
    }

    final class Child: Sendable {
        let process: Process
        let port: Int
        let started: ContinuousClock.Instant

        init(database: String) throws {
            started = ContinuousClock.now
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            process.arguments = ["serve-child", database]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            var text = ""
            while !text.contains("\n") {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { break }
                text += String(decoding: data, as: UTF8.self)
            }
            guard let port = Int(text.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
            else { throw BenchmarkError("the child printed \(text.debugDescription)") }
            self.port = port
        }

        var url: String { "http://127.0.0.1:\(port)" }

        /// Peak resident set size of the child so far, in MiB.
        var peakRSSMiB: Double {
            guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
            else { return 0 }
            for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
                return (line.split(separator: " ").compactMap { Double($0) }.first ?? 0) / 1024
            }
            return 0
        }

        func stop() async {
            process.terminate()
            while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        }
    }

    struct BenchmarkError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Posts one body; returns the number of records the server accepted.
    @discardableResult
    static func post(_ client: HTTPClient, _ url: String, _ body: ByteBuffer, key: String? = nil) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-ndjson")
        if let key { request.headers.add(name: "Idempotency-Key", value: key) }
        request.body = .bytes(body)
        let response = try await client.execute(request, timeout: .seconds(60))
        let answer = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status == .ok else { throw BenchmarkError("POST answered \(response.status): \(answer)") }
        guard let range = answer.range(of: "\"accepted\":") else { throw BenchmarkError("answer: \(answer)") }
        return Int(answer[range.upperBound...].prefix { $0.isNumber }) ?? 0
    }

    static func get(_ client: HTTPClient, _ url: String) async throws -> UInt {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return response.status.code
    }

    /// The JSONL bodies of the batches.
    static func bodies(_ batches: [[Vitals.Record]]) -> [ByteBuffer] {
        let encoder = JSONLEncoder()
        return batches.map { batch in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(batch.count * 300)
            for record in batch {
                encoder.append(record, to: &bytes)
                bytes.append(UInt8(ascii: "\n"))
            }
            return ByteBuffer(bytes: bytes)
        }
    }

    static func run(events: Int, directory: String) async throws -> [String] {
        var lines: [String] = []
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60))
        configuration.httpVersion = .http1Only
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)

        // The hard shape first: every event of a batch in a series of its own; then the 50-series shape.
        let fleet = try await httpIngest(
            IngestBenchmarks.fleetBatches(events: events),
            shape: "1,000 series per batch (100 agents × 10 operations, long agent ids)",
            name: "fleet",
            client: client,
            directory: directory
        )
        lines += fleet.lines
        let easy = try await httpIngest(
            IngestBenchmarks.batches(events: events),
            shape: "50 series per batch",
            name: "easy",
            client: client,
            directory: directory
        )
        lines += easy.lines
        // What vitals push and the exporter send: the same batches, each with its Idempotency-Key.
        let keyed = try await httpIngest(
            IngestBenchmarks.batches(events: events),
            shape: "50 series per batch, each with an Idempotency-Key",
            name: "keyed",
            keyed: true,
            client: client,
            directory: directory
        )
        lines += keyed.lines
        lines.append(
            "HTTP ingest with batch keys against without: " + String(format: "%.2f", keyed.rate / easy.rate) + "×"
        )
        lines.append(
            "HTTP ingest, 1,000 series per batch against 50 in the same run: "
                + String(format: "%.2f", fleet.rate / easy.rate) + "×"
        )

        // /health latency while ingest runs at 1,000 requests/s (batches of 10 events).
        lines.append(try await healthUnderLoad(client: client, directory: directory))
        try await client.shutdown()

        // Start to ready: process start to the first 200 from /health/ready, on a fresh database.
        var startups: [Double] = []
        for round in 0..<7 {
            let child = try Child(database: directory + "/start-\(round).db")
            let probe = HTTPClient(eventLoopGroupProvider: .singleton)
            while (try? await get(probe, child.url + "/health/ready")) != 200 {
                try await Task.sleep(for: .milliseconds(2))
            }
            let elapsed = ContinuousClock.now - child.started
            startups.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            try await probe.shutdown()
            await child.stop()
        }
        lines.append(
            "Start to ready (process start to the first 200 from /health/ready, fresh database, 7 runs): median "
                + String(format: "%.0f", Measure.percentile(startups, 0.5) * 1e3) + " ms, max "
                + String(format: "%.0f", (startups.max() ?? 0) * 1e3) + " ms"
        )
        return lines
    }

    /// `batches` posted as JSONL to a fresh child server over 4 keep-alive connections, each answer after the
    /// commit, against the same batches through the store API: the lines to print and the HTTP rate.
    static func httpIngest(
        _ batches: [[Vitals.Record]],
        shape: String,
        name: String,
        keyed: Bool = false,
        client: HTTPClient,
        directory: String
    ) async throws -> (lines: [String], rate: Double) {
        let connections = 4
        let bodies = bodies(batches)
        let bodyBytes = bodies.reduce(0) { $0 + $1.readableBytes }
        let events = batches.count * IngestBenchmarks.batchSize

        // Reference: the same batches through the store API, same concurrency, same durability (the default).
        let referenceStore = try await SQLiteStore.open(path: directory + "/reference-\(name).db")
        let (storeRate, _) = try await IngestBenchmarks.ingest(batches, into: referenceStore, writers: connections)
        try await referenceStore.close()

        let child = try Child(database: directory + "/server-\(name).db")
        let url = child.url + "/v1/events"
        let accepted = Tally()
        let seconds = try await Measure.seconds {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for connection in 0..<connections {
                    group.addTask {
                        for index in stride(from: connection, to: bodies.count, by: connections) {
                            let key = keyed ? "\(name)-\(index)" : nil
                            accepted.add(try await post(client, url, bodies[index], key: key))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        guard accepted.count == events else {
            throw BenchmarkError("the server accepted \(accepted.count) of \(events) events")
        }
        let httpRate = Double(events) / seconds
        let peak = child.peakRSSMiB
        await child.stop()
        return (
            [
                "HTTP ingest, \(shape) (durable 200s, batches of 1,000, \(connections) keep-alive connections, "
                    + "\(Measure.grouped(Double(bodyBytes) / 1e6)) MB of JSONL): \(Measure.grouped(httpRate)) events/s; "
                    + "store API on the same batches: \(Measure.grouped(storeRate)) events/s; ratio "
                    + String(format: "%.2f", httpRate / storeRate),
                "Server peak RSS after ingesting \(Measure.grouped(Double(events))) events of \(shape) over HTTP: "
                    + String(format: "%.1f", peak) + " MiB",
            ],
            httpRate
        )
    }

    static func healthUnderLoad(client: HTTPClient, directory: String) async throws -> String {
        let child = try Child(database: directory + "/health.db")
        let url = child.url
        var workload = Workload(seed: 7, agents: 50, models: ["gpt-5-mini"], failureEvery: 50)
        let now = Timestamp.now().nanosecondsSinceEpoch
        let small = bodies(
            (0..<200).map { index in
                workload.batch(count: 10, from: now - 600_000_000_000 + Int64(index) * 1_000_000, to: now)
            }
        )
        let duration = Duration.seconds(10)
        let sent = Tally()
        let latencies = Latencies()
        let clock = ContinuousClock()
        let end = clock.now + duration
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Ingest: 1,000 requests per second, paced in 10 ms ticks of 10 requests.
            group.addTask {
                var tick = clock.now
                while tick < end {
                    try await withThrowingTaskGroup(of: Void.self) { burst in
                        for _ in 0..<10 {
                            let index = sent.next()
                            burst.addTask {
                                let stored = try await post(client, url + "/v1/events", small[index % small.count])
                                guard stored == 10 else { throw BenchmarkError("a small batch stored \(stored) of 10") }
                            }
                        }
                        try await burst.waitForAll()
                    }
                    tick = tick + .milliseconds(10)
                    if tick > clock.now { try await clock.sleep(until: tick) }
                }
            }
            // Health: one probe every 10 ms.
            group.addTask {
                let probe = HTTPClient(eventLoopGroupProvider: .singleton)
                while clock.now < end {
                    let start = clock.now
                    _ = try await get(probe, url + "/health")
                    let elapsed = clock.now - start
                    let ms = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
                    latencies.append(ms)
                    try await clock.sleep(until: start + .milliseconds(10))
                }
                try await probe.shutdown()
            }
            try await group.waitForAll()
        }
        await child.stop()
        let values = latencies.values
        let achieved = Double(sent.count) / 10
        return "/health under \(Measure.grouped(achieved)) ingest requests/s (10 events each): "
            + "\(values.count) probes, p50 " + String(format: "%.2f", Measure.percentile(values, 0.5)) + " ms, p99 "
            + String(format: "%.2f", Measure.percentile(values, 0.99)) + " ms, max "
            + String(format: "%.2f", values.max() ?? 0) + " ms"
    }
}

/// Requests sent, shared by the pacing tasks.
final class Tally: Sendable {
    private let value = Atomic<Int>(0)
    func next() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
    func add(_ amount: Int) { value.wrappingAdd(amount, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}

/// Latencies in milliseconds, shared by the probing task and the reader.
final class Latencies: Sendable {
    private let list = Mutex<[Double]>([])
    func append(_ value: Double) { list.withLock { $0.append(value) } }
    var values: [Double] { list.withLock { $0 } }
}
