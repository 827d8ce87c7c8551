import Testing
import Vitals

/// The summary reads most lines as facts, without building the event. Every line must come out exactly as
/// the full decoder makes it: the same rejection and error, or the same statistics, tokens, names and lists.
@Suite struct SummaryFactsTests {
    /// Lines covering every key the facts reader handles or hands over, good and bad.
    static let baseLines: [String] = [
        #"{"event":"tool_call","agent_id":"AGENT_0","worker_id":"worker-0","tool":"file_read","start_ts":"2025-12-15T04:08:08.050000Z","end_ts":"2025-12-15T04:08:08.066547Z","duration_ms":16.547,"success":true}"#,
        #"{"event":"llm_call","agent_id":"AGENT_1","worker_id":"worker-1","phase":"initial","model":"gpt-5-mini","start_ts":"2025-12-15T04:08:08.100000Z","end_ts":"2025-12-15T04:08:08.870552Z","duration_ms":770.552,"prompt_tokens":1106,"completion_tokens":29,"total_tokens":1135,"success":true}"#,
        #"{"event":"llm_call","model":"m","ttft_ms":120.5,"tokens_per_s":41,"cost_usd":0.0012,"prompt_tokens":1.5e2,"completion_tokens":null}"#,
        #"{"event":"llm_call","model":"m","ttft_ms":"fast","tokens_per_s":true,"cost_usd":"1","prompt_tokens":"12"}"#,
        #"{"event":"a","duration_ms":5,"status":"ERROR"}"#,
        #"{"event":"a","duration_ms":5,"status":"timeout","error":"slow"}"#,
        #"{"event":"a","duration_ms":5,"status":"Cancelled"}"#,
        #"{"event":"a","duration_ms":5,"status":"canceled"}"#,
        #"{"event":"a","duration_ms":5,"status":"bogus"}"#,
        #"{"event":"a","duration_ms":5,"status":null,"success":false}"#,
        #"{"event":"a","duration_ms":5,"status":7}"#,
        #"{"event":"a","duration_ms":5,"success":"yes"}"#,
        #"{"event":"a","duration_ms":5,"error":""}"#,
        #"{"event":"a","duration_ms":5,"error":"boom","error.type":"E"}"#,
        #"{"event":"a","duration_ms":5,"error.type":"E"}"#,
        #"{"event":"a","duration_ms":5,"error.type":""}"#,
        #"{"event":"a","duration_ms":5,"error":3}"#,
        #"{"event":"a","start_ts":"2025-01-01T00:00:00Z","end_ts":"2025-01-01T00:00:01.5Z"}"#,
        #"{"event":"a","start_ts":"2025-01-01T00:00:00Z","duration_ms":250}"#,
        #"{"event":"a","end_ts":"2025-01-01T00:00:00+02:00","duration_ms":250}"#,
        #"{"event":"a","start_ts":"2025-01-01T00:00:00Z","ts":"2025-01-01T00:00:02Z"}"#,
        #"{"event":"a","start_ts":"2025-01-01T00:00:05Z","end_ts":"2025-01-01T00:00:01Z"}"#,
        #"{"event":"a","start_ts":"2025-13-01T00:00:00Z","duration_ms":1}"#,
        #"{"event":"a","start_ts":null,"end_ts":null,"duration_ms":null}"#,
        #"{"event":"a","start_ts":"2025\u002d01-01T00:00:00Z","duration_ms":1}"#,
        #"{"event":"a","start_ts":"2262-04-11T00:00:00Z","duration_ms":1e12}"#,
        #"{"event":"a","start_ts":"1990-01-01T00:00:00Z","end_ts":"2250-01-01T00:00:00Z"}"#,
        #"{"event":"a","duration_ms":1e3}"#,
        #"{"event":"a","duration_ms":-0}"#,
        #"{"event":"a","duration_ms":-1}"#,
        #"{"event":"a","duration_ms":1e13}"#,
        #"{"event":"a","duration_ms":12345678901234567890123}"#,
        #"{"event":"a","duration_ms":0.5E-2,"other":1e400}"#,
        #"{"event":"a","duration_ms":"5"}"#,
        #"{"event":"a","agent_id":42,"worker_id":1.50,"service":null}"#,
        #"{"event":"a","agent_id":true}"#,
        #"{"event":"a","agent_id":"x\u0001y"}"#,
        "{\"event\":\"a\",\"agent_id\":\"x\u{7F}y\"}",
        #"{"event":"a","agent_id":"say \"hi\""}"#,
        #"{"event":"a","gen_ai.agent.id":"g","agent_id":"h"}"#,
        #"{"event":"llm_call","model":"gpt\u002d5","tool":"t\"q","duration_ms":3}"#,
        #"{"event":"llm_call","model":5,"tool":false,"phase":"p\u0007"}"#,
        #"{"event":"llm_call","gen_ai.request.model":"alias","duration_ms":2}"#,
        #"{"event":"llm_call","model":"one","model":"two"}"#,
        #"{"event":"llm_call","ttft_ms":1,"ttft_ms":2}"#,
        #"{"event":"a","event":"b"}"#,
        #"{"event":"a","tt\u0066t_ms":9,"tokens_per_s":3}"#,
        #"{"event":"a","labels":{"x":1}}"#,
        #"{"event":"a","list":[1,2]}"#,
        #"{"event":"a","value":3,"region":"eu","size":2.5,"flag":true}"#,
        #"{"event":"a","":"empty key","region":"eu","region":"us","duration_ms":2}"#,
        #"{"event":"a","value":{}}"#,
        #"{"metric":"queue_depth","value":3}"#,
        #"{"event":"x","metric":"y","value":1}"#,
        #"{"value":1,"metric":"q","agent_id":"a"}"#,
        "  { \"event\" : \"ws\" ,\t\"duration_ms\" : 1 , \"model\" : \"m\" }  ",
        "{\"event\":\"crlf\",\"duration_ms\":2}\r",
        #"{"event":"é","model":"模型","tool":"🔧","duration_ms":4}"#,
        "{\"event\":\"a\u{7F}\",\"duration_ms\":1}",
        #"{"event":"","duration_ms":1}"#,
        #"{"duration_ms":1}"#,
        #"{"event":"a","trace_id":5}"#,
        #"{"event":"a","trace_id":"abc","span_id":null,"parent_span_id":"p"}"#,
        #"{}"#,
        #"[]"#,
        #"not json"#,
        #"{"event":"a","duration_ms":1} trailing"#,
    ]

    static let groupings: [[String]] = [
        [], ["model"], ["agent_id", "status"], ["ttft_ms"], ["value"], ["gen_ai.request.model", "worker_id"],
        ["", "region"], ["model", "region", "status", "model", "region", "status"],
    ]

    /// Every base line, and for every byte of it: the line without that byte and with it replaced (by bytes
    /// chosen in turn from those that change a JSON line's meaning most).
    static func corpus() -> [[UInt8]] {
        let replacements: [UInt8] = Array(#""\}{[,0- x.e:"#.utf8) + [0x7F, 0x01, 0xC3]
        var lines: [[UInt8]] = []
        for (number, line) in baseLines.enumerated() {
            let bytes = Array(line.utf8)
            lines.append(bytes)
            for index in bytes.indices {
                var removed = bytes
                removed.remove(at: index)
                lines.append(removed)
                var replaced = bytes
                replaced[index] = replacements[(index &* 7 &+ number) % replacements.count]
                if replaced != bytes { lines.append(replaced) }
            }
            lines.append(Array(bytes.prefix(bytes.count / 2)))
        }
        return lines
    }

    /// Adds `line` to a fresh summary through both paths and expects the same outcome.
    static func compare(_ line: [UInt8], options: SummaryOptions, facts: inout SummaryLineReader) {
        var full = SummaryLineReader(options: options, readsFacts: false)
        var viaFacts = EventSummary(options: options)
        var viaFull = EventSummary(options: options)
        let (factsError, fullError) = line.withUnsafeBytes { bytes in
            (
                facts.add(bytes, file: "f.jsonl", line: 7, fileIndex: 0, to: &viaFacts),
                full.add(bytes, file: "f.jsonl", line: 7, fileIndex: 0, to: &viaFull)
            )
        }
        let text = String(decoding: line, as: UTF8.self)
        #expect(factsError?.description == fullError?.description, "\(text)")
        #expect(same(viaFacts, viaFull), "\(text) grouped by \(options.groupBy)")
    }

    static func same(_ a: EventSummary, _ b: EventSummary) -> Bool {
        a.eventCount == b.eventCount && a.sampleCount == b.sampleCount && a.operations == b.operations
            && a.models == b.models && a.tools == b.tools && a.gauges == b.gauges && a.slowest == b.slowest
            && a.failed == b.failed && a.failedCount == b.failedCount && a.renderJSON() == b.renderJSON()
    }

    @Test(arguments: groupings)
    func everyLineComesOutAsTheFullDecoderMakesIt(groupBy: [String]) {
        let options = SummaryOptions(groupBy: groupBy, slowestLimit: 3, failedLimit: 3)
        var facts = SummaryLineReader(options: options)
        let lines = Self.corpus()
        for line in lines { Self.compare(line, options: options, facts: &facts) }
        // The facts path must really be taken (except when grouping by `value`, which it leaves alone).
        if groupBy == ["value"] {
            #expect(facts.linesReadAsFacts == 0)
        } else {
            #expect(facts.linesReadAsFacts > lines.count / 10, "\(facts.linesReadAsFacts) of \(lines.count)")
        }
    }

    /// Many lines into one summary: more names, models, tools and groups than the linear lookups hold, in an
    /// order where the slowest and failed lists keep changing.
    @Test(arguments: [[], ["agent_id", "status"], ["model"]] as [[String]])
    func aLongRunGivesTheSameSummary(groupBy: [String]) {
        let options = SummaryOptions(groupBy: groupBy, slowestLimit: 10, failedLimit: 20)
        var facts = SummaryLineReader(options: options)
        var full = SummaryLineReader(options: options, readsFacts: false)
        var viaFacts = EventSummary(options: options)
        var viaFull = EventSummary(options: options)
        var rejected = 0
        for number in 1...6_000 {
            let status = number % 17 == 0 ? "error" : number % 29 == 0 ? "timeout" : "ok"
            var line =
                #"{"event":"op_\#(number % 41)","agent_id":"agent-\#(number % 23)","model":"model-\#(number % 37)","#
                + #""tool":"tool-\#(number % 19)","duration_ms":\#(Double(number % 997) * 1.25),"#
                + #""status":"\#(status)","prompt_tokens":\#(number % 300),"ttft_ms":\#(number % 50)}"#
            if number % 250 == 0 { line = #"{"event":"op_1","duration_ms":"bad"}"# }
            if number % 333 == 0 { line = #"{"metric":"queue","value":\#(number)}"# }
            let (factsError, fullError) = Array(line.utf8).withUnsafeBytes { bytes in
                (
                    facts.add(bytes, file: "f", line: number, fileIndex: 0, to: &viaFacts),
                    full.add(bytes, file: "f", line: number, fileIndex: 0, to: &viaFull)
                )
            }
            #expect(factsError?.description == fullError?.description)
            if factsError != nil { rejected += 1 }
        }
        #expect(rejected == 24)
        #expect(viaFacts.operations.count >= (groupBy.isEmpty ? 41 : 943))
        #expect(viaFacts.models.count == 37)
        #expect(Self.same(viaFacts, viaFull))
        #expect(facts.linesReadAsFacts > 5_900)
    }
}
