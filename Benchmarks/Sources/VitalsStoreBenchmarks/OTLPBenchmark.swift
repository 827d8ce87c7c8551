import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Vitals

/// OTLP/HTTP ingest: the events of the HTTP ingest benchmark sent as GenAI chat spans in protobuf
/// `ExportTraceServiceRequest`s of 1,000 spans to `POST /v1/traces`, against the same events as JSONL to
/// `POST /v1/events` in the same run — each to a fresh child server, both answered only once durable.
enum OTLPBenchmark {
    static func run(events: Int, directory: String) async throws -> [String] {
        let connections = 4
        let batches = IngestBenchmarks.batches(events: events)
        let count = batches.count * IngestBenchmarks.batchSize
        let jsonl = ServerBenchmarks.bodies(batches)
        let otlp = batches.enumerated().map { index, batch in ByteBuffer(bytes: request(batch, batch: index)) }

        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60))
        configuration.httpVersion = .http1Only
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)

        let jsonlChild = try ServerBenchmarks.Child(database: directory + "/otlp-jsonl.db")
        let jsonlSeconds = try await post(jsonl, connections: connections) { body in
            let accepted = try await ServerBenchmarks.post(client, jsonlChild.url + "/v1/events", body)
            guard accepted == IngestBenchmarks.batchSize else {
                throw ServerBenchmarks.BenchmarkError("a JSONL batch stored \(accepted) events")
            }
        }
        await jsonlChild.stop()

        let otlpChild = try ServerBenchmarks.Child(database: directory + "/otlp-traces.db")
        let otlpSeconds = try await post(otlp, connections: connections) { body in
            var request = HTTPClientRequest(url: otlpChild.url + "/v1/traces")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-protobuf")
            request.body = .bytes(body)
            let response = try await client.execute(request, timeout: .seconds(60))
            let answer = try await response.body.collect(upTo: 1 << 20)
            // An empty ExportTraceServiceResponse: no partial_success, every span stored.
            guard response.status == .ok, answer.readableBytes == 0 else {
                throw ServerBenchmarks.BenchmarkError(
                    "POST /v1/traces answered \(response.status) with \(answer.readableBytes) bytes"
                )
            }
        }
        let peak = otlpChild.peakRSSMiB
        await otlpChild.stop()
        try await client.shutdown()

        let otlpBytes = otlp.reduce(0) { $0 + $1.readableBytes }
        let jsonlBytes = jsonl.reduce(0) { $0 + $1.readableBytes }
        let otlpRate = Double(count) / otlpSeconds
        let jsonlRate = Double(count) / jsonlSeconds
        return [
            "OTLP/HTTP ingest (protobuf, durable 200s, batches of 1,000 GenAI chat spans, \(connections) keep-alive "
                + "connections, \(Measure.grouped(Double(otlpBytes) / 1e6)) MB): \(Measure.grouped(otlpRate)) spans/s; "
                + "the same events as JSONL to /v1/events (\(Measure.grouped(Double(jsonlBytes) / 1e6)) MB): "
                + "\(Measure.grouped(jsonlRate)) events/s; ratio " + String(format: "%.2f", otlpRate / jsonlRate),
            "Server peak RSS after \(Measure.grouped(Double(count))) OTLP spans: " + String(format: "%.1f", peak)
                + " MiB",
        ]
    }

    /// Posts every body over `connections` concurrent tasks; returns the wall-clock seconds.
    static func post(
        _ bodies: [ByteBuffer],
        connections: Int,
        _ send: @escaping @Sendable (ByteBuffer) async throws -> Void
    ) async throws -> Double {
        try await Measure.seconds {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for connection in 0..<connections {
                    group.addTask {
                        for index in stride(from: connection, to: bodies.count, by: connections) {
                            try await send(bodies[index])
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    // MARK: Encoding, as an OpenTelemetry SDK would send the events

    /// One `ExportTraceServiceRequest`: a resource with `service.name`, one scope, a chat span per event.
    static func request(_ records: [Vitals.Record], batch: Int) -> [UInt8] {
        var scope: [UInt8] = []
        var scopeName: [UInt8] = []
        field(1, Array("vitals-benchmark".utf8), to: &scopeName)
        field(1, scopeName, to: &scope)
        for (index, record) in records.enumerated() {
            guard case .event(let event) = record else { continue }
            field(2, span(event, batch: batch, index: index), to: &scope)
        }
        var resource: [UInt8] = []
        field(1, keyValue("service.name", string: event(records)?.labels["service"] ?? "bench"), to: &resource)
        var resourceSpans: [UInt8] = []
        field(1, resource, to: &resourceSpans)
        field(2, scope, to: &resourceSpans)
        var request: [UInt8] = []
        field(1, resourceSpans, to: &request)
        return request
    }

    static func event(_ records: [Vitals.Record]) -> Event? {
        guard case .event(let event)? = records.first else { return nil }
        return event
    }

    static func span(_ event: Event, batch: Int, index: Int) -> [UInt8] {
        var span: [UInt8] = []
        var traceID = [UInt8](repeating: 0x5A, count: 16)
        withUnsafeBytes(of: UInt64(batch + 1).littleEndian) { traceID.replaceSubrange(0..<8, with: $0) }
        var spanID = [UInt8](repeating: 0, count: 8)
        withUnsafeBytes(of: UInt64(index + 1).littleEndian) { spanID.replaceSubrange(0..<8, with: $0) }
        field(1, traceID, to: &span)
        field(2, spanID, to: &span)
        field(5, Array("chat \(event.attributes["model"]?.description ?? "")".utf8), to: &span)
        varintField(6, 3, to: &span)  // SPAN_KIND_CLIENT
        let start = UInt64(event.start?.nanosecondsSinceEpoch ?? 1)
        let end = start + UInt64(event.durationMilliseconds * 1e6)
        fixed64Field(7, start, to: &span)
        fixed64Field(8, end, to: &span)
        field(9, keyValue("gen_ai.operation.name", string: "chat"), to: &span)
        field(9, keyValue("gen_ai.provider.name", string: "openai"), to: &span)
        for label in event.labels where label.key != "service" {
            field(9, keyValue(label.key, string: label.value), to: &span)
        }
        for attribute in event.attributes {
            let key: String
            switch attribute.key {
            case "model": key = "gen_ai.request.model"
            case "prompt_tokens": key = "gen_ai.usage.input_tokens"
            case "completion_tokens": key = "gen_ai.usage.output_tokens"
            default: key = attribute.key
            }
            var value: [UInt8] = []
            switch attribute.value {
            case .string(let text): field(1, Array(text.utf8), to: &value)
            case .bool(let flag): varintField(2, flag ? 1 : 0, to: &value)
            case .int(let number): varintField(3, UInt64(bitPattern: number), to: &value)
            case .double(let number): fixed64Field(4, number.bitPattern, to: &value)
            }
            var pair: [UInt8] = []
            field(1, Array(key.utf8), to: &pair)
            field(2, value, to: &pair)
            field(9, pair, to: &span)
        }
        if event.status != .ok {
            var status: [UInt8] = []
            field(2, Array((event.error ?? "error").utf8), to: &status)
            varintField(3, 2, to: &status)
            field(15, status, to: &span)
        }
        return span
    }

    static func keyValue(_ key: String, string: String) -> [UInt8] {
        var value: [UInt8] = []
        field(1, Array(string.utf8), to: &value)
        var pair: [UInt8] = []
        field(1, Array(key.utf8), to: &pair)
        field(2, value, to: &pair)
        return pair
    }

    static func varint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    static func field(_ number: Int, _ value: [UInt8], to bytes: inout [UInt8]) {
        varint(UInt64(number) << 3 | 2, to: &bytes)
        varint(UInt64(value.count), to: &bytes)
        bytes += value
    }

    static func varintField(_ number: Int, _ value: UInt64, to bytes: inout [UInt8]) {
        varint(UInt64(number) << 3, to: &bytes)
        varint(value, to: &bytes)
    }

    static func fixed64Field(_ number: Int, _ value: UInt64, to bytes: inout [UInt8]) {
        varint(UInt64(number) << 3 | 1, to: &bytes)
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}
