import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Vitals

@testable import VitalsServer

@Suite("POST /v1/traces (OTLP/HTTP)")
struct OTLPTraceTests {
    static let protobuf: HTTPFields = [.contentType: "application/x-protobuf"]
    static let json: HTTPFields = [.contentType: "application/json"]

    static func post(
        _ client: any TestClientProtocol,
        _ body: [UInt8],
        headers: HTTPFields = protobuf
    ) async throws -> TestResponse {
        try await client.execute(uri: "/v1/traces", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    /// `/v1/stats` of `event` grouped by `by`: each group's labels and statistics.
    static func stats(_ client: any TestClientProtocol, _ event: String, by: String) async throws -> [[String: Any]] {
        let answer = try await client.get("/v1/stats?event=\(event)&by=\(by)").json
        return try #require(answer["series"] as? [[String: Any]])
    }

    /// Reads an `ExportTraceServiceResponse` or `google.rpc.Status`: field number → varint or bytes.
    static func fields(_ bytes: ByteBuffer) throws -> [Int: Any] {
        var result: [Int: Any] = [:]
        try Array(bytes.readableBytesView).withUnsafeBytes { raw in
            var reader = ProtobufReader(raw)
            while !reader.isAtEnd {
                let (number, wireType) = try reader.field()
                switch wireType {
                case .varint: result[number] = try reader.varint()
                case .lengthDelimited: result[number] = Array(try reader.lengthDelimited())
                default: try reader.skip(wireType)
                }
            }
        }
        return result
    }

    /// Checks what `/v1/stats` shows after ``OTLPTestSpan/mixed`` was ingested.
    static func expectMixed(_ client: any TestClientProtocol) async throws {
        let llm = try await stats(client, "llm_call", by: "model,provider,service")
        #expect(llm.count == 1)
        let group = try #require(llm.first)
        #expect(
            group["labels"] as? [String: String] == [
                "model": "gpt-5-mini", "provider": "openai", "service": "support-bot",
            ]
        )
        #expect(group["count"] as? Int == 3)
        #expect(group["errors"] as? Int == 1)
        let sums = try #require(group["sums"] as? [String: Any])
        #expect(sums["prompt_tokens"] as? Double == 200)
        #expect(sums["completion_tokens"] as? Double == 50)
        #expect(sums["total_tokens"] as? Double == 250)

        let tools = try await stats(client, "tool_call", by: "tool")
        #expect(tools.map { $0["labels"] as? [String: String] } == [["tool": "search"]])
        #expect(tools.first?["count"] as? Int == 1)
        let agents = try await stats(client, "agent_call", by: "agent_name")
        #expect(agents.map { $0["labels"] as? [String: String] } == [["agent_name": "planner"]])
        let routes = try await stats(client, "route_query", by: "route")
        #expect(routes.map { $0["labels"] as? [String: String] } == [["route": "kb"]])
        #expect(routes.first?["avg_ms"] as? Double == 250)

        let failed = try await client.get("/v1/events?event=llm_call&status=error").json
        let events = try #require(failed["events"] as? [[String: Any]])
        #expect(events.count == 1)
        #expect(events.first?["error"] as? String == "429 Too Many Requests")
        #expect(events.first?["trace_id"] as? String == String(repeating: "ab", count: 16))
        #expect(events.first?["span_id"] as? String == "0102030405060705")
        #expect(events.first?["parent_span_id"] as? String == "0102030405060701")
        let routeEvents = try await client.get("/v1/events?event=route_query").json["events"] as? [[String: Any]]
        let route = try #require(routeEvents?.first)
        #expect(route["confidence"] as? Double == 0.75)
        #expect(route["cached"] as? Bool == true)
        #expect(route["tags"] as? String == "[\"a\",2]")
        #expect(route["host.name"] == nil, "resource attributes other than identities are not copied to events")
    }

    @Test("protobuf: chat, tool, agent, failed and other spans become the events the library records")
    func protobufMapping() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let response = try await Self.post(client, OTLPTestSpan.request(OTLPTestSpan.mixed))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/x-protobuf")
            #expect(response.body.readableBytes == 0, "every span accepted: no partial_success")
            try await Self.expectMixed(client)
        }
    }

    @Test("JSON: the same spans in OTLP/JSON, camelCase or snake_case keys, gzip too")
    func jsonMapping() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let text = OTLPTestSpan.jsonRequest(OTLPTestSpan.mixed)
            var plain = ByteBuffer(string: text)
            let compressed = try plain.compress(with: .gzip())
            let response = try await client.execute(
                uri: "/v1/traces",
                method: .post,
                headers: [.contentType: "application/json; charset=utf-8", .contentEncoding: "gzip"],
                body: compressed
            )
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.text == "{}")
            try await Self.expectMixed(client)

            let snake = text.replacingOccurrences(of: "resourceSpans", with: "resource_spans")
                .replacingOccurrences(of: "scopeSpans", with: "scope_spans")
                .replacingOccurrences(of: "startTimeUnixNano", with: "start_time_unix_nano")
                .replacingOccurrences(of: "stringValue", with: "string_value")
            #expect(try await Self.post(client, Array(snake.utf8), headers: Self.json).text == "{}")
            #expect(try await Self.stats(client, "tool_call", by: "tool").first?["count"] as? Int == 2)
        }
    }

    @Test("gen_ai.server.time_to_first_token becomes ttft_ms, with tokens_per_s from the output tokens")
    func timeToFirstToken() async throws {
        let fixture = try await ServerFixture()
        var streamed = OTLPTestSpan.chat(model: "gpt-5-mini", input: 10, output: 40)
        streamed.durationNanoseconds = 1_250_000_000
        streamed.attributes.append(("gen_ai.server.time_to_first_token", .double(0.25)))
        var nonsense = OTLPTestSpan.chat(model: "other", input: 1, output: 1)
        nonsense.spanID = [9, 9, 9, 9, 9, 9, 9, 9]
        nonsense.attributes.append(("gen_ai.server.time_to_first_token", .double(-3)))
        let body = OTLPTestSpan.request([streamed, nonsense])
        try await fixture.test { client in
            #expect(try await Self.post(client, body).status == .ok)
            let answer = try await client.get("/v1/events?event=llm_call&label.model=gpt-5-mini").json
            let event = try #require((answer["events"] as? [[String: Any]])?.first, "\(answer)")
            #expect(event["ttft_ms"] as? Double == 250)
            // 40 output tokens over the second after the first token.
            #expect(event["tokens_per_s"] as? Double == 40)
            #expect(event["gen_ai.server.time_to_first_token"] == nil)
            let other = try await client.get("/v1/events?event=llm_call&label.model=other").json
            let ignored = try #require((other["events"] as? [[String: Any]])?.first)
            #expect(ignored["ttft_ms"] == nil, "a negative time is not a time to first token")
        }
    }

    @Test("bad spans are rejected one by one with partial_success; the good ones of the batch are stored")
    func partialSuccess() async throws {
        let fixture = try await ServerFixture()
        var shortTrace = OTLPTestSpan.chat(model: "m", input: 1, output: 1)
        shortTrace.traceID = [1, 2, 3]
        var badName = OTLPTestSpan.chat(model: "m", input: 1, output: 1)
        badName.name = [0x66, 0xFF, 0xFE]
        var noStart = OTLPTestSpan.chat(model: "m", input: 1, output: 1)
        noStart.start = 0
        var zeroSpan = OTLPTestSpan.chat(model: "m", input: 1, output: 1)
        zeroSpan.spanID = Array(repeating: 0, count: 8)
        // Well-formed, but refused by the store: its reason comes back under the span's number too.
        var control = OTLPTestSpan.chat(model: "m", input: 1, output: 1)
        control.name = [0x61, 0x01]
        control.attributes = []
        let good = (0..<4).map { _ in OTLPTestSpan.chat(model: "m", input: 10, output: 1) }
        let body = OTLPTestSpan.request([
            shortTrace, good[0], badName, good[1], noStart, good[2], zeroSpan, good[3], control,
        ])
        try await fixture.test { client in
            let response = try await Self.post(client, body)
            #expect(response.status == .ok)
            let partial = try #require(try Self.fields(response.body)[1] as? [UInt8])
            let fields = try Self.fields(ByteBuffer(bytes: partial))
            #expect(fields[1] as? UInt64 == 5)
            let message = String(decoding: try #require(fields[2] as? [UInt8]), as: UTF8.self)
            #expect(message.contains("span 1: trace_id is 3 bytes; expected 16"), "\(message)")
            #expect(message.contains("span 3: name is not valid UTF-8"), "\(message)")
            #expect(message.contains("span 5: start_time_unix_nano is missing or 0"), "\(message)")
            #expect(message.contains("span 7: span_id is all zeros"), "\(message)")
            #expect(message.contains("span 9: event: control character U+0001"), "\(message)")
            let stored = try await Self.stats(client, "llm_call", by: "model")
            #expect(stored.first?["count"] as? Int == 4)

            // The same in JSON: `partialSuccess` with the count and reasons.
            var badHex = OTLPTestSpan.chat(model: "m", input: 1, output: 1)
            badHex.spanID = [1]
            let json = OTLPTestSpan.jsonRequest([good[0], badHex, good[1]])
                .replacingOccurrences(of: "\"intValue\":\"10\"", with: "\"intValue\":10")
            let answer = try await Self.post(client, Array(json.utf8), headers: Self.json).json
            let partialJSON = try #require(answer["partialSuccess"] as? [String: Any])
            #expect(partialJSON["rejectedSpans"] as? Int == 1)
            #expect((partialJSON["errorMessage"] as? String)?.contains("span 2: spanId is not 16 hex digits") == true)
            #expect(try await Self.stats(client, "llm_call", by: "model").first?["count"] as? Int == 6)
        }
    }

    @Test("a body that is not OTLP is a 400 with a google.rpc.Status, and nothing of it is stored")
    func hostileBodies() async throws {
        let fixture = try await ServerFixture()
        let whole = OTLPTestSpan.request(OTLPTestSpan.mixed)
        // A length prefix of 2^62 bytes, a varint of eleven bytes, a group, random bytes, a body cut in the middle.
        let bodies: [[UInt8]] = [
            Array(whole.prefix(whole.count / 2)),
            [0x0A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40],
            [0x08] + Array(repeating: 0xFF, count: 10) + [0x01],
            [0x0B, 0x0C],
            (0..<4_096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) },
        ]
        try await fixture.test { client in
            for body in bodies {
                let response = try await Self.post(client, body)
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/x-protobuf")
                let status = try Self.fields(response.body)
                #expect(status[1] as? UInt64 == 3, "INVALID_ARGUMENT")
                let message = String(decoding: try #require(status[2] as? [UInt8]), as: UTF8.self)
                #expect(message.hasPrefix("the body is not a protobuf ExportTraceServiceRequest"), "\(message)")
            }
            for text in ["not json", "[1,2]", "{\"resourceSpans\":{}}", String(repeating: "[", count: 200_000)] {
                let response = try await Self.post(client, Array(text.utf8), headers: Self.json)
                #expect(response.status == .badRequest, "\(text.prefix(20))")
                let answer = try response.json
                #expect(answer["code"] as? Int == 3)
                #expect((answer["message"] as? String)?.isEmpty == false)
            }
            let stats = try await client.get("/v1/series").json["series"] as? [Any]
            #expect(stats?.isEmpty == true)
        }
    }

    @Test("deep values, huge attribute counts and odd fields are bounded per span, never a crash")
    func boundedSpans() async throws {
        let fixture = try await ServerFixture()
        var deep = OTLPTestSpan.Value.string("bottom")
        for _ in 0..<1_000 { deep = .array([deep]) }
        var nested = OTLPTestSpan("nested", attributes: [("deep", deep)])
        nested.spanID[0] = 9
        var wide = OTLPTestSpan("wide", attributes: (0..<50_000).map { ("k\($0)", .int(Int64($0))) })
        wide.spanID[0] = 10
        var long = OTLPTestSpan(
            String(repeating: "n", count: 100_000),
            attributes: [("text", .string(String(repeating: "x", count: 100_000)))]
        )
        long.spanID[0] = 11
        let body = OTLPTestSpan.request([nested, wide, long])
        try await fixture.test { client in
            let response = try await Self.post(client, body)
            #expect(response.status == .ok)
            let partial = try Self.fields(
                ByteBuffer(bytes: try #require(try Self.fields(response.body)[1] as? [UInt8]))
            )
            let message = String(decoding: try #require(partial[2] as? [UInt8]), as: UTF8.self)
            #expect(partial[1] as? UInt64 == 1, "\(message)")
            #expect(
                message.contains("span 1: an attribute value nests lists or maps deeper than 8 levels"),
                "\(message)"
            )

            let events = try #require(try await client.get("/v1/events?event=wide").json["events"] as? [[String: Any]])
            // The event line holds the reserved keys and the first 128 attributes.
            #expect(events.first?["k127"] as? Int == 127)
            #expect(events.first?["k128"] == nil)
            let names = try await client.get("/v1/series").json["series"] as? [[String: Any]] ?? []
            let longName = try #require(names.compactMap { $0["name"] as? String }.first { $0.hasPrefix("nnn") })
            #expect(longName.utf8.count == GenAISpanMapping.maximumNameLength)
        }
    }

    @Test("wrong or missing Content-Type is a 415; over the span limit a 413; every error in the OTLP Status form")
    func contentTypesAndLimits() async throws {
        let fixture = try await ServerFixture { $0.maxBatchRecords = 5 }
        try await fixture.test { client in
            let body = OTLPTestSpan.request(OTLPTestSpan.mixed)
            for headers: HTTPFields in [[.contentType: "text/plain"], [:], [.contentType: "application/x-ndjson"]] {
                let response = try await Self.post(client, body, headers: headers)
                #expect(response.status == .unsupportedMediaType)
                let answer = try response.json
                #expect(answer["code"] as? Int == 3)
                #expect(
                    (answer["message"] as? String)?.contains("expected application/x-protobuf or application/json")
                        == true
                )
            }
            let tooMany = try await Self.post(client, body)
            #expect(tooMany.status == .contentTooLarge)
            let status = try Self.fields(tooMany.body)
            let message = String(decoding: try #require(status[2] as? [UInt8]), as: UTF8.self)
            #expect(message.contains("more than 5 spans"))
            let gzipWrong = try await Self.post(
                client,
                body,
                headers: [.contentType: "application/x-protobuf", .contentEncoding: "gzip"]
            )
            #expect(gzipWrong.status == .badRequest)
            #expect(try Self.fields(gzipWrong.body)[1] as? UInt64 == 3)
        }
    }

    @Test("an ingest token is needed when tokens are configured")
    func needsIngestScope() {
        #expect(AccessMiddleware<BasicRequestContext>.scope(method: .post, path: "/v1/traces") == .ingest)
    }
}
