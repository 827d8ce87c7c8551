import Testing
import Vitals

@Suite struct JSONLDecoderErrorTests {
    @Test(arguments: [
        (
            #"{"event":"x","duration_ms":"fast"}"#, "duration_ms",
            #"field "duration_ms": expected a number, found a string"#
        ),
        (
            #"{"event":"x","duration_ms":-1}"#, "duration_ms",
            "expected a number of milliseconds from 0 to 1e12, found -1"
        ),
        (#"{"event":"x","duration_ms":1e13}"#, "duration_ms", "from 0 to 1e12, found 1e13"),
        (#"{"event":"x","duration_ms":1e400}"#, "duration_ms", #"field "duration_ms": number out of range"#),
        (
            #"{"event":"x","start_ts":"2026-01-01T00:00:00Z","end_ts":"2066-01-01T00:00:00Z"}"#, "end_ts",
            "is more than 1e12 ms (about 31 years) after start_ts"
        ),
        // 550 years overflow Int64 nanoseconds: the difference must not wrap round to a negative duration.
        (
            #"{"event":"x","start_ts":"1700-01-01T00:00:00Z","end_ts":"2250-01-01T00:00:00Z"}"#, "end_ts",
            "is more than 1e12 ms (about 31 years) after start_ts"
        ),
        (
            #"{"event":"x","start_ts":"1700-01-01T00:00:00Z","ts":"2250-01-01T00:00:00Z"}"#, "ts",
            "is more than 1e12 ms (about 31 years) after start_ts"
        ),
        (#"{"event":"x","start_ts":5}"#, "start_ts", "expected an RFC 3339 timestamp string, found a number"),
        (#"{"event":"x","end_ts":"yesterday"}"#, "end_ts", #"invalid RFC 3339 timestamp "yesterday""#),
        (#"{"event":"x","ts":"2025-02-30T00:00:00Z"}"#, "ts", "day out of range"),
        (#"{"event":"x","status":"busy"}"#, "status", #"expected one of ok, error, timeout, cancelled, found "busy""#),
        (#"{"event":"x","status":1}"#, "status", "found a number"),
        (#"{"event":"x","success":"yes"}"#, "success", "expected true or false, found a string"),
        (#"{"event":"x","error":404}"#, "error", "expected a string, found a number"),
        (#"{"event":"x","error.type":false}"#, "error.type", "expected a string, found false"),
        (#"{"event":"x","trace_id":1}"#, "trace_id", "expected a string, found a number"),
        (#"{"event":"x","agent_id":true}"#, "agent_id", "expected a string or a number, found true"),
        (#"{"event":"x","gen_ai.agent.id":false}"#, "gen_ai.agent.id", "found false"),
        (#"{"event":"x","tags":["a"]}"#, "tags", #"field "tags": nested objects and arrays are not supported"#),
        (#"{"event":"x","model":{"name":"m"}}"#, "model", "nested objects and arrays are not supported"),
        (#"{"event":"x","service":{}}"#, "service", "nested objects and arrays are not supported"),
        (#"{"event":7}"#, "event", "expected a non-empty string, found a number"),
        (#"{"event":""}"#, "event", "expected a non-empty string"),
        (#"{"event":null}"#, "event", "found null"),
        (#"{"model":"x"}"#, "event", #"missing "event""#),
        ("{}", "event", #"missing "event""#),
        (#"{"event":"x","metric":"y","value":1}"#, "metric", "not both"),
        (#"{"metric":"y","value":1,"event":"x"}"#, "metric", "not both"),
        (#"{"metric":"y"}"#, "value", #"missing "value""#),
        (#"{"metric":"y","value":"5"}"#, "value", "expected a number, found a string"),
        (#"{"metric":"","value":5}"#, "metric", "expected a non-empty string"),
        (#"{"metric":"y","value":1,"ts":"now"}"#, "ts", "invalid RFC 3339 timestamp"),
        (#"{"metric":"y","value":1,"labels":{}}"#, "labels", "nested objects and arrays are not supported"),
        (#"{"event":"x","end_ts":"2025-12-15T04:08:08Z","start_ts":"2025-12-15T04:08:09Z"}"#, "end_ts", "before"),
        (#"{"event":"x","ts":"2025-12-15T04:08:08Z","start_ts":"2025-12-15T04:08:09Z"}"#, "ts", "before"),
        (#"{"event":"x","start_ts":"2262-04-11T23:00:00Z","duration_ms":1e11}"#, "duration_ms", "supported range"),
    ])
    func namesTheFieldAndWhatWasExpected(line: String, field: String, message: String) throws {
        let error = try #require(JSONLTest.error(line))
        #expect(error.field == field, "\(error)")
        #expect(error.reason.contains(message), "\(error.reason)")
        #expect(
            error.reason.hasPrefix("field \"\(field)\": ") || error.reason.hasPrefix("missing") || field == "metric"
        )
    }

    @Test(arguments: [
        (#"{"event":"x","model":"gp"#, "unterminated string"),
        (#"{"event":"x","model":"#, "unexpected end of line"),
        (#"{"event":"x""#, "unexpected end of line"),
        (#"{"event":"x","#, "unexpected end of line"),
        (#"{"event":"x"} trailing"#, "nothing after the closing '}'"),
        (#"{"event":"x"}}"#, "nothing after the closing '}'"),
        (#"["event"]"#, "expected a JSON object"),
        (#""event""#, "expected a JSON object"),
        ("", "empty line"),
        ("   ", "empty line"),
        (#"{"event":"x",}"#, "a key in double quotes"),
        (#"{"event" "x"}"#, "':' after a key"),
        (#"{event:"x"}"#, "a key in double quotes"),
        (#"{"event":'x'}"#, "expected a value"),
        (#"{"event":"x","n":01}"#, "leading zeros"),
        (#"{"event":"x","n":+1}"#, "expected a value"),
        (#"{"event":"x","n":1.}"#, "a digit after '.'"),
        (#"{"event":"x","n":.5}"#, "expected a value"),
        (#"{"event":"x","n":1e}"#, "a digit in the exponent"),
        (#"{"event":"x","n":-}"#, "a digit"),
        (#"{"event":"x","n":NaN}"#, "expected a value"),
        (#"{"event":"x","n":Infinity}"#, "expected a value"),
        (#"{"event":"x","n":tru}"#, "'true'"),
        (#"{"event":"x","n":nul}"#, "'null'"),
        (#"{"event":"x\#ty"}"#, "control character 0x09 must be escaped"),
        (#"{"event":"\x"}"#, "invalid escape"),
        (#"{"event":"\u12G4"}"#, "four hex digits"),
        (#"{"event":"\ud800"}"#, "lone surrogate"),
        (#"{"event":"\udc00x"}"#, "lone surrogate"),
        (#"{"event":"\ud800\u0041"}"#, "lone surrogate"),
    ])
    func rejectsBadJSON(line: String, message: String) throws {
        let error = try #require(JSONLTest.error(line))
        #expect(error.code == .invalidJSON, "\(error)")
        #expect(error.reason.contains(message), "\(error.reason)")
        #expect(error.reason.contains("at byte"), "\(error.reason)")
    }

    @Test func namesTheFieldOfAValueThatIsBadJSON() throws {
        let error = try #require(JSONLTest.error(#"{"event":"x","phase":"a\qb"}"#))
        #expect(error.field == "phase")
        #expect(error.reason.hasPrefix(#"field "phase": invalid JSON at byte 24"#), "\(error.reason)")
    }

    @Test(
        arguments: [
            [0xFF],  // never valid
            [0xC0, 0xAF],  // overlong '/'
            [0xED, 0xA0, 0x80],  // an encoded surrogate
            [0xE2, 0x82],  // truncated sequence
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0x80],  // a lone continuation byte
        ] as [[UInt8]]
    )
    func reportsInvalidUTF8InAValueWithItsBytePosition(value: [UInt8]) throws {
        let line = Array(#"{"event":""#.utf8) + value + Array(#""}"#.utf8)
        let error = try #require(JSONLTest.error(bytes: line))
        #expect(error.code == .invalidUTF8, "\(error)")
        #expect(error.reason == #"field "event": invalid UTF-8 at byte 11"#)
    }

    @Test func reportsInvalidUTF8OutsideValues() throws {
        let inKey = try #require(JSONLTest.error(bytes: [0x7B, 0x22, 0xFE, 0x22, 0x3A, 0x31, 0x7D]))
        #expect(inKey.reason == "invalid UTF-8 at byte 3")
        let afterObject = try #require(JSONLTest.error(bytes: Array(#"{"e":1}"#.utf8) + [0xFF]))
        #expect(afterObject.reason == "invalid UTF-8 at byte 8")
        #expect(afterObject.code == .invalidUTF8)
    }

    @Test func acceptsTheLongestValidUTF8Sequences() throws {
        let line: [UInt8] =
            Array(#"{"event":""#.utf8) + [0xF4, 0x8F, 0xBF, 0xBF, 0xEF, 0xBF, 0xBF, 0xDF, 0xBF] + [0x22, 0x7D]
        let record = try JSONLDecoder().decode(line: line)
        #expect(record == .event(Event(name: "\u{10FFFF}\u{FFFF}\u{7FF}", durationMilliseconds: 0)))
    }

    @Test func rejectsLinesOverTheMaximumLength() throws {
        let decoder = JSONLDecoder(maximumLineLength: 20)
        #expect(throws: JSONLError.self) { try decoder.decode(line: JSONLTest.seedToolCall) }
        do {
            _ = try decoder.decode(line: JSONLTest.seedToolCall)
        } catch {
            #expect(error.code == .lineTooLong)
            #expect(error.reason.contains("maximum of 20"))
        }
        #expect(throws: Never.self) { try decoder.decode(line: #"{"event":"ok"}"#) }
    }

    @Test func describesErrorsAsFileLineReason() {
        let error = JSONLError(code: .missingField, reason: #"missing "event""#, field: "event")
        #expect(error.description == #"missing "event""#)
        #expect(error.withLocation(line: 3).description == #"line 3: missing "event""#)
        #expect(error.withLocation(file: "m.jsonl").description == #"m.jsonl: missing "event""#)
        let located = error.withLocation(file: "m.jsonl", line: 3)
        #expect(located.description == #"m.jsonl:3: missing "event""#)
        #expect(located.withLocation(line: 4).file == "m.jsonl")
        #expect(JSONLError.Code.invalidUTF8.description == "invalid UTF-8")
        #expect(JSONLError.Code.invalidUTF8 != .invalidJSON)
    }
}
