import Testing
import Vitals

/// Names and labels holding control characters are refused, naming the field; free text keeps them.
@Suite("JSONL control characters in names and labels")
struct JSONLControlCharacterTests {
    @Test(
        "a control character in a name, key or label value is refused with the field and the character",
        arguments: [
            (#"{"event":"a\u0000b","duration_ms":1}"#, "event", "U+0000 is not allowed in a name"),
            (#"{"event":"line\nbreak"}"#, "event", "U+000A is not allowed in a name"),
            ("{\"event\":\"del\u{7F}\"}", "event", "U+007F is not allowed in a name"),
            // A raw DEL found by the eight-bytes-at-a-time scan, at the start and past the first eight bytes.
            ("{\"event\":\"\u{7F}long_operation_name\"}", "event", "U+007F is not allowed in a name"),
            (
                "{\"event\":\"x\",\"agent_id\":\"agent-0123456\u{7F}89\"}", "agent_id",
                "U+007F is not allowed in a label"
            ),
            (
                "{\"event\":\"x\",\"a_long_key_name\u{7F}\":\"v\"}", "a_long_key_name\\u007F",
                "U+007F is not allowed in a key"
            ),
            (#"{"metric":"q\u001fd","value":1}"#, "metric", "U+001F is not allowed in a name"),
            (#"{"event":"x","agent_id":"a\u0000"}"#, "agent_id", "U+0000 is not allowed in a label value"),
            (#"{"event":"x","gen_ai.agent.id":"a\tb"}"#, "gen_ai.agent.id", "U+0009 is not allowed in a label value"),
            (#"{"event":"x","model":"m\r"}"#, "model", "U+000D is not allowed in a label value"),
            (#"{"event":"x","gen_ai.request.model":"\b"}"#, "gen_ai.request.model", "U+0008 is not allowed"),
            (#"{"event":"x","route":"\f"}"#, "route", "U+000C is not allowed in a label value"),
            (#"{"event":"stage","stage":"init\n"}"#, "stage", "U+000A is not allowed in a label value"),
            (#"{"event":"tool_call","ti\u0065r":"1\u0000"}"#, "tier", "U+0000 is not allowed in a label value"),
            (#"{"metric":"m","value":1,"host":"h\u0000"}"#, "host", "U+0000 is not allowed in a label value"),
            (#"{"event":"x","k\u0000ey":1}"#, #"k\u0000ey"#, "U+0000 is not allowed in a key"),
            (#"{"metric":"m","value":1,"a\nb":"v"}"#, #"a\u000Ab"#, "U+000A is not allowed in a key"),
        ]
    )
    func refused(line: String, field: String, message: String) throws {
        let error = try #require(throws: JSONLError.self) { try JSONLDecoder().decode(line: line) }
        #expect(error.field == field, "\(error)")
        #expect(error.code == .invalidValue)
        #expect(error.reason.contains(message), "\(error.reason)")
        #expect(
            !error.reason.unicodeScalars.contains { $0.value < 0x20 },
            "the message itself holds a control character"
        )
    }

    @Test("free text keeps its control characters; escapes of printable characters stay allowed in names")
    func allowed() throws {
        let decoder = JSONLDecoder()
        let record = try decoder.decode(
            line: #"{"event":"caf\u00e9 \"q\" \/","error":"line 1\nline 2\u0000","note":"a\tb","phase":"p\u0041"}"#
        )
        guard case .event(let event) = record else {
            Issue.record("not an event: \(record)")
            return
        }
        #expect(event.name == "café \"q\" /")
        #expect(event.error == "line 1\nline 2\u{0}")
        #expect(event.attributes["note"] == .string("a\tb"))
        #expect(event.attributes["phase"] == .string("pA"))
    }
}
