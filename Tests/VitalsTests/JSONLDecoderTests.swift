import Testing
import Vitals

@Suite struct JSONLDecoderTests {
    @Test func decodesTheLLMCallSeedExactly() throws {
        let event = try JSONLTest.event(JSONLTest.seedLLMCall)
        #expect(event.name == "llm_call")
        #expect(event.start == JSONLTest.timestamp("2025-12-15T04:08:08.123456Z"))
        #expect(event.end == JSONLTest.timestamp("2025-12-15T04:08:08.234567Z"))
        #expect(event.durationMilliseconds == 111)
        #expect(event.status == .ok)
        #expect(event.error == nil)
        #expect(event.labels.isEmpty)
        let expected: Attributes = [
            "phase": "initial", "model": "gpt-5-mini", "prompt_tokens": 1234, "completion_tokens": 89,
            "total_tokens": 1323,
        ]
        #expect(event.attributes == expected)
        #expect(event.traceID == nil && event.spanID == nil && event.parentSpanID == nil)
    }

    @Test func decodesTheToolCallSeedExactly() throws {
        let event = try JSONLTest.event(JSONLTest.seedToolCall)
        #expect(event.name == "tool_call")
        #expect(event.start == JSONLTest.timestamp("2025-12-15T04:08:08.345678Z"))
        #expect(event.end == JSONLTest.timestamp("2025-12-15T04:08:09.456789Z"))
        #expect(event.durationMilliseconds == 1111)
        #expect(event.status == .ok)
        #expect(event.attributes == ["tool": "ssh_exec"])
    }

    @Test func readsIdentityLabelsTraceIDsAndAttributes() throws {
        let event = try JSONLTest.event(
            #"{"event":"job","service":"fleet","agent_id":54,"agent_name":"Ada","agent_domain":"ops","worker_id":"w-7","#
                + #""trace_id":"t1","span_id":"s1","parent_span_id":"p1","route":"faq","cost_usd":0.0042,"#
                + #""cached":true,"custom_key_longer_than_fifteen":"x","ratio":-1.5e-3,"empty":"","nothing":null}"#
        )
        #expect(
            event.labels == [
                "service": "fleet", "agent_id": "54", "agent_name": "Ada", "agent_domain": "ops", "worker_id": "w-7",
            ]
        )
        #expect(event.traceID == "t1" && event.spanID == "s1" && event.parentSpanID == "p1")
        #expect(
            event.attributes == [
                "route": "faq", "cost_usd": .double(0.0042), "cached": true, "custom_key_longer_than_fifteen": "x",
                "ratio": .double(-0.0015), "empty": "",
            ]
        )
        #expect(event.durationMilliseconds == 0)
        #expect(event.start == nil && event.end == nil)
    }

    @Test func keepsNumbersAsWrittenInIdentityLabels() throws {
        let event = try JSONLTest.event(#"{"event":"x","agent_id":1.50,"worker_id":-7}"#)
        #expect(event.labels == ["agent_id": "1.50", "worker_id": "-7"])
    }

    @Test func distinguishesIntegersFromDoubles() throws {
        let event = try JSONLTest.event(
            #"{"event":"x","a":1,"b":1.0,"c":1e2,"d":-0,"e":9223372036854775807,"f":-9223372036854775808,"#
                + #""g":9223372036854775808,"h":123456789012345678901234567890,"i":0.1,"j":1.7976931348623157e308,"#
                + #""k":5e-324,"l":1E-7,"m":111.11100000000001,"n":-0.0}"#
        )
        let a = event.attributes
        #expect(a["a"] == .int(1))
        #expect(a["b"] == .double(1))
        #expect(a["c"] == .double(100))
        #expect(a["d"] == .int(0))
        #expect(a["e"] == .int(.max))
        #expect(a["f"] == .int(.min))
        #expect(a["g"] == .double(9_223_372_036_854_775_808))
        #expect(a["h"] == .double(1.2345678901234568e29))
        #expect(a["i"] == .double(0.1))
        #expect(a["j"] == .double(.greatestFiniteMagnitude))
        #expect(a["k"] == .double(.leastNonzeroMagnitude))
        #expect(a["l"] == .double(1e-7))
        #expect(a["m"] == .double(111.11100000000001))
        #expect(a["n"]?.doubleValue?.sign == .minus)
    }

    @Test func parsesDecimalsExactlyLikeTheStandardLibrary() throws {
        // Random decimals of up to 19 significant digits exercise the exact integer fast paths.
        var state: UInt64 = 42
        for index in 0..<3000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let digits = String(state % 10_000_000_000_000_000_000)
            let point = Int(state >> 59) % (digits.count + 1)
            let exponent = Int(state >> 40) % 40 - 20
            var text = String(digits.prefix(point)) + "." + String(digits.dropFirst(point)) + "e\(exponent)"
            if text.hasPrefix(".") { text = "0" + text }
            if point == digits.count { text = digits + "e\(exponent)" }
            let event = try JSONLTest.event(#"{"event":"x","v":\#(text)}"#)
            #expect(event.attributes["v"] == .double(Double(text)!), "\(index): \(text)")
        }
    }

    @Test func handlesEscapesInStringsAndKeys() throws {
        let event = try JSONLTest.event(
            #"{"ev\u0065nt":"a\"b\\c\/d","note":"\b\f\n\r\t","k\u00e9y":"\u00e9\u4e2d\ud83d\ude00","error":"\u0000x"}"#
        )
        #expect(event.name == "a\"b\\c/d")
        #expect(event.attributes["note"] == .string("\u{08}\u{0C}\n\r\t"))
        #expect(event.attributes["kéy"] == .string("é中😀"))
        #expect(event.error == "\u{0}x")
        #expect(event.status == .error)
    }

    @Test func acceptsRawUTF8AndWhitespace() throws {
        let event = try JSONLTest.event(" \t{ \"event\" : \"café ☕\" ,\n \"model\"\t:\t\"𝔾\" } \r\n ")
        #expect(event.name == "café ☕")
        #expect(event.attributes["model"] == .string("𝔾"))
    }

    @Test func ignoresATrailingCarriageReturn() throws {
        let event = try JSONLTest.event(JSONLTest.seedToolCall + "\r")
        #expect(event.name == "tool_call")
        let bytes = Array((JSONLTest.seedToolCall + "\r").utf8)
        let record = try bytes.withUnsafeBytes { try JSONLDecoder().decode(line: $0) }
        #expect(record == .event(event))
    }

    @Test func lastDuplicateKeyWins() throws {
        let event = try JSONLTest.event(
            #"{"event":"a","model":"m1","custom":1,"agent_id":"A","event":"b","model":"m2","custom":2,"agent_id":"B","#
                + #""duration_ms":5,"duration_ms":7,"status":"error","status":"ok"}"#
        )
        #expect(event.name == "b")
        #expect(event.attributes == ["model": "m2", "custom": 2])
        #expect(event.labels == ["agent_id": "B"])
        #expect(event.durationMilliseconds == 7)
        #expect(event.status == .ok)
    }

    @Test func derivesTheDurationFromTheTimestamps() throws {
        let event = try JSONLTest.event(
            #"{"event":"x","start_ts":"2025-12-15T04:08:08.123456Z","end_ts":"2025-12-15T04:08:08.234567Z"}"#
        )
        #expect(event.durationMilliseconds == 111.111)
    }

    @Test func derivesTheStartFromTheEndAndTheDuration() throws {
        let event = try JSONLTest.event(#"{"event":"x","end_ts":"2025-12-15T04:08:09Z","duration_ms":250.5}"#)
        #expect(event.start == JSONLTest.timestamp("2025-12-15T04:08:08.7495Z"))
        #expect(event.end == JSONLTest.timestamp("2025-12-15T04:08:09Z"))
        #expect(event.durationMilliseconds == 250.5)
    }

    @Test func derivesTheEndFromTheStartAndTheDuration() throws {
        let event = try JSONLTest.event(#"{"event":"x","start_ts":"2025-12-15T04:08:08Z","duration_ms":1500}"#)
        #expect(event.end == JSONLTest.timestamp("2025-12-15T04:08:09.5Z"))
    }

    @Test func readsTsAsTheEndTime() throws {
        let alone = try JSONLTest.event(#"{"event":"x","ts":"2025-12-15T04:08:09Z"}"#)
        #expect(alone.end == JSONLTest.timestamp("2025-12-15T04:08:09Z"))
        #expect(alone.start == nil)
        #expect(alone.durationMilliseconds == 0)
        let withDuration = try JSONLTest.event(#"{"event":"x","ts":"2025-12-15T04:08:09Z","duration_ms":1000}"#)
        #expect(withDuration.start == JSONLTest.timestamp("2025-12-15T04:08:08Z"))
        let both = try JSONLTest.event(#"{"event":"x","end_ts":"2025-12-15T04:08:09Z","ts":"2025-12-15T04:08:10Z"}"#)
        #expect(both.end == JSONLTest.timestamp("2025-12-15T04:08:09Z"))
        let withStart = try JSONLTest.event(
            #"{"event":"x","start_ts":"2025-12-15T04:08:08Z","ts":"2025-12-15T04:08:08.5Z"}"#
        )
        #expect(withStart.durationMilliseconds == 500)
    }

    @Test func keepsAGivenDurationEvenWithBothTimestamps() throws {
        let event = try JSONLTest.event(
            #"{"event":"x","start_ts":"2025-12-15T04:08:08Z","end_ts":"2025-12-15T04:08:09Z","duration_ms":900}"#
        )
        #expect(event.durationMilliseconds == 900)
        #expect(event.start == JSONLTest.timestamp("2025-12-15T04:08:08Z"))
        #expect(event.end == JSONLTest.timestamp("2025-12-15T04:08:09Z"))
    }

    @Test(arguments: [
        (#""status":"ok""#, EventStatus.ok),
        (#""status":"error""#, .error),
        (#""status":"timeout""#, .timeout),
        (#""status":"cancelled""#, .cancelled),
        (#""status":"canceled""#, .cancelled),
        (#""status":"TIMEOUT""#, .timeout),
        (#""success":true"#, .ok),
        (#""success":false"#, .error),
        (#""status":"timeout","success":false"#, .timeout),
        (#""success":false,"status":"ok""#, .ok),
        (#""status":"cancelled","success":true"#, .cancelled),
        (#""error":"boom""#, .error),
        (#""error":"boom","success":true"#, .ok),
        (#""error":"boom","status":"ok""#, .ok),
        (#""error":"""#, .ok),
        (#""error":null"#, .ok),
        (#""success":null,"status":null"#, .ok),
        (#""error.type":"RateLimit""#, .error),
    ])
    func settlesTheOutcome(fields: String, status: EventStatus) throws {
        let event = try JSONLTest.event(#"{"event":"x",\#(fields)}"#)
        #expect(event.status == status)
    }

    @Test func treatsEmptyOrNullErrorsAsAbsent() throws {
        #expect(try JSONLTest.event(#"{"event":"x","error":""}"#).error == nil)
        #expect(try JSONLTest.event(#"{"event":"x","error":null}"#).error == nil)
        #expect(try JSONLTest.event(#"{"event":"x","success":false,"error":"boom"}"#).error == "boom")
    }

    @Test func mapsOpenTelemetryAliases() throws {
        let event = try JSONLTest.event(
            #"{"event":"chat","gen_ai.request.model":"glm-4.6","gen_ai.provider.name":"zhipu","#
                + #""gen_ai.usage.input_tokens":10,"gen_ai.usage.output_tokens":20,"gen_ai.tool.name":"search","#
                + #""gen_ai.agent.id":"A1","gen_ai.agent.name":"Ada","error.type":"Timeout"}"#
        )
        #expect(event.labels == ["agent_id": "A1", "agent_name": "Ada"])
        #expect(
            event.attributes == [
                "model": "glm-4.6", "provider": "zhipu", "prompt_tokens": 10, "completion_tokens": 20, "tool": "search",
            ]
        )
        #expect(event.error == "Timeout")
        #expect(event.status == .error)
    }

    @Test func prefersConventionalNamesOverAliasesInEitherOrder() throws {
        let aliasFirst = try JSONLTest.event(
            #"{"event":"x","gen_ai.request.model":"alias","model":"own","gen_ai.agent.id":"alias","agent_id":"own","#
                + #""error.type":"alias","error":"own"}"#
        )
        let aliasLast = try JSONLTest.event(
            #"{"event":"x","model":"own","gen_ai.request.model":"alias","agent_id":"own","gen_ai.agent.id":"alias","#
                + #""error":"own","error.type":"alias"}"#
        )
        for event in [aliasFirst, aliasLast] {
            #expect(event.attributes == ["model": "own"])
            #expect(event.labels == ["agent_id": "own"])
            #expect(event.error == "own")
        }
    }

    @Test func treatsAValueKeyInAnEventAsAnAttribute() throws {
        let event = try JSONLTest.event(#"{"event":"x","value":3}"#)
        #expect(event.attributes == ["value": 3])
    }

    @Test func decodesGaugeSamples() throws {
        let sample = try JSONLTest.sample(
            #"{"metric":"queue_depth","value":5,"ts":"2025-12-15T04:08:08Z","agent_id":"AGENT_54","shard":3,"#
                + #""hot":true,"ratio":0.25,"note":null,"gen_ai.agent.id":"kept as written"}"#
        )
        #expect(sample.name == "queue_depth")
        #expect(sample.value == 5)
        #expect(sample.timestamp == JSONLTest.timestamp("2025-12-15T04:08:08Z"))
        #expect(
            sample.labels == [
                "agent_id": "AGENT_54", "shard": "3", "hot": "true", "ratio": "0.25",
                "gen_ai.agent.id": "kept as written",
            ]
        )
    }

    @Test func decodesSamplesWhateverTheKeyOrder() throws {
        let sample = try JSONLTest.sample(
            #"{"status":"busy","duration_ms":"n/a","start_ts":"soon","value":80.5,"metric":"workload_pct"}"#
        )
        #expect(sample.name == "workload_pct")
        #expect(sample.value == 80.5)
        #expect(sample.timestamp == nil)
        #expect(sample.labels == ["status": "busy", "duration_ms": "n/a", "start_ts": "soon"])
    }

    @Test func sharesOneDecoderAcrossTasks() async throws {
        let decoder = JSONLDecoder()
        try await withThrowingTaskGroup(of: Record.self) { group in
            for _ in 0..<8 { group.addTask { try decoder.decode(line: JSONLTest.seedLLMCall) } }
            for try await record in group {
                guard case .event(let event) = record else { throw JSONLError(code: .invalidValue, reason: "x") }
                #expect(event.name == "llm_call")
            }
        }
    }
}
