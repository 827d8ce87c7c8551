import Testing
import Vitals

@Suite struct JSONLEncoderTests {
    let encoder = JSONLEncoder()
    let decoder = JSONLDecoder()

    @Test func rewritesTheToolCallSeedByteForByte() throws {
        let record = try decoder.decode(line: JSONLTest.seedToolCall)
        #expect(encoder.encode(record) == JSONLTest.seedToolCall)
    }

    @Test func rewritesTheLLMCallSeedWithAnExplicitOutcome() throws {
        // Every written event states its outcome, so a line that had none gains `"success":true`.
        let record = try decoder.decode(line: JSONLTest.seedLLMCall)
        #expect(encoder.encode(record) == String(JSONLTest.seedLLMCall.dropLast()) + #","success":true}"#)
    }

    @Test func ordersKeysLikeTheWorkerFiles() {
        let event = Event(
            name: "llm_call",
            start: JSONLTest.timestamp("2025-12-15T04:08:08Z"),
            end: JSONLTest.timestamp("2025-12-15T04:08:09.5Z"),
            durationMilliseconds: 1500,
            status: .timeout,
            error: "deadline",
            labels: ["worker_id": "w-7", "agent_id": "A"],
            attributes: ["prompt_tokens": 10, "model": "m", "cached": false, "cost_usd": 0.25, "phase": "p"],
            traceID: "t",
            spanID: "s",
            parentSpanID: "p"
        )
        #expect(
            encoder.encode(.event(event))
                == #"{"event":"llm_call","worker_id":"w-7","agent_id":"A","trace_id":"t","span_id":"s","#
                + #""parent_span_id":"p","model":"m","phase":"p","start_ts":"2025-12-15T04:08:08.000000Z","#
                + #""end_ts":"2025-12-15T04:08:09.500000Z","duration_ms":1500,"prompt_tokens":10,"cached":false,"#
                + #""cost_usd":0.25,"success":false,"status":"timeout","error":"deadline"}"#
        )
    }

    @Test(arguments: [
        (EventStatus.ok, #","success":true}"#),
        (.error, #","success":false}"#),
        (.timeout, #","success":false,"status":"timeout"}"#),
        (.cancelled, #","success":false,"status":"cancelled"}"#),
    ])
    func writesTheOutcome(status: EventStatus, suffix: String) {
        let line = encoder.encode(.event(Event(name: "x", durationMilliseconds: 0.5, status: status)))
        #expect(line == #"{"event":"x","duration_ms":0.5"# + suffix)
    }

    @Test func escapesStrings() throws {
        // Control characters are free text's only: a name refuses them (see JSONLControlCharacterTests).
        let event = Event(name: "q\"b\\s/é😀", durationMilliseconds: 0, attributes: ["k\"ey": "\n\t\u{1}\u{7F}\u{1F}"])
        let line = encoder.encode(.event(event))
        #expect(
            line
                == #"{"event":"q\"b\\s/é😀","k\"ey":"\u000a\u0009\u0001"# + "\u{7F}"
                + #"\u001f","duration_ms":0,"success":true}"#
        )
        #expect(try decoder.decode(line: line) == .event(event))
    }

    @Test func writesNumbersInTheirShortestForm() {
        let event = Event(
            name: "x",
            durationMilliseconds: 111.111,
            attributes: [
                "a": .double(2), "b": .double(0.1), "c": .double(1e20), "d": .double(-0.0), "e": .int(-42),
                "f": .double(.infinity), "g": .int(.min),
            ]
        )
        #expect(
            encoder.encode(.event(event))
                == #"{"event":"x","duration_ms":111.111,"a":2,"b":0.1,"c":1e+20,"d":0,"e":-42,"f":null,"#
                + #""g":-9223372036854775808,"success":true}"#
        )
    }

    @Test func writesSamples() throws {
        let sample = Sample(
            name: "queue_depth",
            value: 5,
            timestamp: JSONLTest.timestamp("2025-12-15T04:08:08Z"),
            labels: ["agent_id": "AGENT_54", "shard": "3"]
        )
        let line = encoder.encode(.sample(sample))
        #expect(
            line
                == #"{"metric":"queue_depth","value":5,"ts":"2025-12-15T04:08:08.000000Z","agent_id":"AGENT_54","shard":"3"}"#
        )
        #expect(try decoder.decode(line: line) == .sample(sample))
        #expect(encoder.encode(.sample(Sample(name: "m", value: 0.25))) == #"{"metric":"m","value":0.25}"#)
    }

    @Test func leavesOutKeysThatWouldChangeTheLineMeaning() throws {
        let event = Event(
            name: "x",
            durationMilliseconds: 1,
            labels: ["status": "bad"],
            attributes: ["event": "y", "duration_ms": 9, "gen_ai.request.model": "alias", "model": "m"]
        )
        let line = encoder.encode(.event(event))
        #expect(line == #"{"event":"x","model":"m","duration_ms":1,"success":true}"#)
        let sample = Sample(name: "m", value: 1, labels: ["metric": "no", "value": "no", "ts": "no", "event": "no"])
        #expect(encoder.encode(.sample(sample)) == #"{"metric":"m","value":1}"#)
    }

    @Test func appendsToAByteBuffer() throws {
        var buffer: [UInt8] = Array("[".utf8)
        let first = try decoder.decode(line: JSONLTest.seedToolCall)
        encoder.append(first, to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
        encoder.append(.sample(Sample(name: "m", value: 1)), to: &buffer)
        #expect(
            String(decoding: buffer, as: UTF8.self) == "[" + JSONLTest.seedToolCall + "\n"
                + #"{"metric":"m","value":1}"#
        )
    }

    @Test(arguments: JSONLEncoderTests.roundTripEvents)
    func decodingAWrittenEventGivesItBack(event: Event) throws {
        let line = encoder.encode(.event(event))
        #expect(try decoder.decode(line: line) == .event(event), "\(line)")
    }

    /// Events with every kind of value, in the form decoding produces: strings before numbers among the
    /// attributes, doubles with a fraction, both timestamps or none, microsecond timestamps.
    static let roundTripEvents: [Event] = [
        Event(name: "instant", durationMilliseconds: 0),
        Event(
            name: "llm_call",
            start: JSONLTest.timestamp("2025-12-15T04:08:08.123456Z"),
            end: JSONLTest.timestamp("2025-12-15T04:08:08.234567Z"),
            durationMilliseconds: 111.111,
            status: .error,
            error: "rate limited: \"429\"\n",
            labels: [
                "service": "bot", "agent_id": "A-1", "agent_name": "Ada", "agent_domain": "ops", "worker_id": "w",
            ],
            attributes: [
                "model": "gpt-5-mini", "phase": "initial", "note": "ünïcødé ✓", "empty": "", "prompt_tokens": 1234,
                "cost_usd": 0.000342, "ratio": -2.5e-12, "huge": 1.5e300, "cached": true, "retried": false,
                "min": .int(.min), "max": .int(.max),
            ],
            traceID: "4bf92f3577b34da6a3ce929d0e0e4736",
            spanID: "00f067aa0ba902b7",
            parentSpanID: "53995c3f42cd8ad8"
        ),
        Event(name: "job", durationMilliseconds: 1e12, status: .timeout),
        Event(name: "job", durationMilliseconds: 0.001, status: .cancelled, error: "user"),
        Event(name: "tool_call", durationMilliseconds: 12.5, status: .ok, error: "retried once"),
    ]
}
