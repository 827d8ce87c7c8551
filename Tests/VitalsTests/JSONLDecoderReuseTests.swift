import Testing
import Vitals

/// `decode(line:into:)` must give exactly what `decode(line:)` gives, whatever the reused event held before.
@Suite struct JSONLDecoderReuseTests {
    /// Lines of different shapes, in an order where each one follows a line with more or other keys.
    static let lines = [
        JSONLTest.seedLLMCall,
        JSONLTest.seedToolCall,
        #"{"event":"job","service":"fleet","agent_id":54,"worker_id":"w-7","trace_id":"t1","span_id":"s1","#
            + #""parent_span_id":"p1","error":"boom","status":"timeout","custom":"x","ratio":-1.5e-3}"#,
        #"{"event":"bare"}"#,
        #"{"event":"tool_call","tool":"web","gen_ai.tool.name":"other","success":false,"error.type":"E"}"#,
        #"{"event":"llm_call","end_ts":"2025-12-15T04:08:09Z","duration_ms":12.5,"a\u0062c":true}"#,
        #"{"event":"x","ts":"2025-12-15T04:08:09.5+01:00","agent_id":"A","agent_id":"B","k":1,"k":2}"#,
    ]

    @Test func givesTheSameEventAsDecodeAfterAnyPreviousLine() throws {
        let decoder = JSONLDecoder()
        var event = Event(name: "stale", durationMilliseconds: 9, status: .error, error: "old")
        for previous in Self.lines {
            for line in Self.lines {
                _ = try decode(previous, into: &event, decoder)
                let sample = try decode(line, into: &event, decoder)
                #expect(sample == nil)
                #expect(try decoder.decode(line: line) == .event(event), "\(line) after \(previous)")
            }
        }
    }

    @Test func returnsGaugeSamplesLikeDecode() throws {
        let decoder = JSONLDecoder()
        var event = try JSONLTest.event(JSONLTest.seedLLMCall)
        for line in [
            #"{"metric":"queue_depth","value":5,"ts":"2025-12-15T04:08:08Z","agent_id":"AGENT_54"}"#,
            #"{"agent_id":"AGENT_54","metric":"memory","value":1.5}"#,
        ] {
            let sample = try decode(line, into: &event, decoder)
            #expect(sample != nil)
            #expect(try decoder.decode(line: line) == sample.map(Record.sample))
        }
    }

    @Test func throwsTheSameErrorsAsDecode() throws {
        let decoder = JSONLDecoder()
        var event = try JSONLTest.event(JSONLTest.seedLLMCall)
        for line in [#"{"event":"x","duration_ms":"fast"}"#, #"{"phase":"p"}"#, #"{"event":"x""#, ""] {
            let reused = captured { () throws(JSONLError) in _ = try decode(line, into: &event, decoder) }
            let plain = captured { () throws(JSONLError) in _ = try decoder.decode(line: Array(line.utf8)) }
            #expect(reused != nil)
            #expect(reused?.description == plain?.description)
            #expect(reused?.code == plain?.code)
        }
        // A bad line leaves the event usable for the next one.
        _ = try decode(JSONLTest.seedToolCall, into: &event, decoder)
        #expect(try decoder.decode(line: JSONLTest.seedToolCall) == .event(event))
    }

    private func decode(
        _ line: String,
        into event: inout Event,
        _ decoder: JSONLDecoder
    ) throws(JSONLError)
        -> Sample?
    {
        let bytes = Array(line.utf8)
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONLError) in try decoder.decode(line: buffer, into: &event) }
        }
        return try result.get()
    }

    private func captured(_ body: () throws(JSONLError) -> Void) -> JSONLError? {
        do throws(JSONLError) {
            try body()
            return nil
        } catch {
            return error
        }
    }
}
