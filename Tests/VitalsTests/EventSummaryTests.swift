import Testing
import Vitals

@Suite struct EventSummaryTests {
    static func event(
        _ name: String,
        _ duration: Double,
        status: EventStatus = .ok,
        attributes: Attributes = [:],
        labels: Labels = [:]
    ) -> Event {
        Event(name: name, durationMilliseconds: duration, status: status, labels: labels, attributes: attributes)
    }

    @Test func countsErrorsAndDurationsPerOperation() throws {
        var summary = EventSummary()
        summary.add(Self.event("llm_call", 234.2), file: "a", line: 1)
        summary.add(Self.event("llm_call", 289.3, status: .error), file: "a", line: 2)
        summary.add(Self.event("db_query", 12.7, status: .timeout), file: "a", line: 3)
        let llm = try #require(summary.operations[.init(name: "llm_call")])
        #expect(llm.count == 2)
        #expect(llm.errors == 1)
        #expect(abs(llm.totalMilliseconds - 523.5) < 1e-9)
        #expect(llm.durations.min == 234.2)
        #expect(llm.durations.max == 289.3)
        let db = try #require(summary.operations[.init(name: "db_query")])
        #expect(db.timeouts == 1)
        #expect(db.errors == 1)
        #expect(summary.failedCount == 2)
        #expect(summary.failed.map(\.line) == [2, 3])
    }

    @Test func groupsByLabelOrAttribute() {
        var summary = EventSummary(options: SummaryOptions(groupBy: ["model"]))
        summary.add(Self.event("llm_call", 10, attributes: ["model": "a"]), file: "f", line: 1)
        summary.add(Self.event("llm_call", 20, attributes: ["model": "b"]), file: "f", line: 2)
        summary.add(Self.event("llm_call", 30, attributes: ["model": "a"]), file: "f", line: 3)
        summary.add(Self.event("tool_call", 5), file: "f", line: 4)
        let keys = summary.sortedOperations.map { "\($0.key.name)/\($0.key.labelValues.joined())=\($0.value.count)" }
        #expect(keys == ["llm_call/a=2", "llm_call/b=1", "tool_call/=1"])
        let json = summary.renderJSON()
        #expect(json.contains("\"labels\":{\"model\":\"a\"}"))
    }

    @Test func keepsTheSlowestEventsSlowestFirst() {
        var summary = EventSummary(options: SummaryOptions(slowestLimit: 3))
        for (line, duration) in [5.0, 50, 1, 500, 20, 499, 7].enumerated() {
            summary.add(Self.event("op", duration), file: "f", line: line + 1)
        }
        #expect(summary.slowest.map(\.durationMilliseconds) == [500, 499, 50])
        #expect(summary.slowest.map(\.line) == [4, 6, 2])
    }

    @Test func mergingPartsEqualsSummarisingTheWhole() {
        var whole = EventSummary(options: SummaryOptions(slowestLimit: 4, failedLimit: 3))
        var first = EventSummary(options: whole.options)
        var second = EventSummary(options: whole.options)
        var generator = 0x2545_F491_4F6C_DD1D as UInt64
        for line in 1...2_000 {
            generator = generator &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let duration = Double(generator >> 44)  // whole milliseconds: sums stay exact in any order
            let status: EventStatus = generator % 17 == 0 ? .error : .ok
            let model = generator % 3 == 0 ? "m1" : "m2"
            let event = Self.event(
                "op\(generator % 4)",
                duration,
                status: status,
                attributes: ["model": .string(model)]
            )
            whole.add(event, file: "f", line: line)
            if line <= 1_000 {
                first.add(event, file: "f", line: line)
            } else {
                second.add(event, file: "f", line: line - 1_000)
            }
        }
        second.shiftLines(by: 1_000)
        first.merge(second)
        #expect(first.operations == whole.operations)
        #expect(first.models == whole.models)
        #expect(first.slowest == whole.slowest)
        #expect(first.failed == whole.failed)
        #expect(first.failedCount == whole.failedCount)
        #expect(first.eventCount == 2_000)
    }

    @Test func totalsTokensAndCostByModelAndTool() throws {
        var summary = EventSummary()
        summary.add(
            Self.event(
                "llm_call",
                111,
                attributes: ["model": "gpt-5-mini", "prompt_tokens": 1234, "completion_tokens": 89]
            ),
            file: "f",
            line: 1
        )
        summary.add(
            Self.event(
                "llm_call",
                90,
                attributes: [
                    "model": "gpt-5-mini", "prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15,
                    "cost_usd": 0.25,
                ]
            ),
            file: "f",
            line: 2
        )
        summary.add(Self.event("tool_call", 1111, status: .error, attributes: ["tool": "ssh_exec"]), file: "f", line: 3)
        let model = try #require(summary.models["gpt-5-mini"])
        #expect(model.calls == 2)
        #expect(model.promptTokens == 1244)
        #expect(model.completionTokens == 94)
        #expect(model.totalTokens == 1338)
        #expect(model.hasCost)
        #expect(model.costUSD == 0.25)
        let tool = try #require(summary.tools["ssh_exec"])
        #expect(tool.calls == 1)
        #expect(tool.errors == 1)
        let text = summary.renderText()
        #expect(text.contains("gpt-5-mini"))
        #expect(text.contains("ssh_exec"))
        #expect(text.contains("Failed events: 1"))
    }

    @Test func gaugesKeepLastByTimestamp() throws {
        var summary = EventSummary()
        summary.add(Sample(name: "queue_depth", value: 5, timestamp: Timestamp(nanosecondsSinceEpoch: 20)))
        summary.add(Sample(name: "queue_depth", value: 9, timestamp: Timestamp(nanosecondsSinceEpoch: 10)))
        summary.add(Sample(name: "queue_depth", value: 1, timestamp: Timestamp(nanosecondsSinceEpoch: 30)))
        let gauge = try #require(summary.gauges["queue_depth"])
        #expect(gauge.last == 1)
        #expect(gauge.min == 1)
        #expect(gauge.max == 9)
        #expect(gauge.mean == 5)
    }

    @Test func jsonEscapesStringsAndIsStable() {
        var summary = EventSummary()
        summary.add(Self.event("say \"hi\"\n", 1.5, status: .error), file: "f", line: 1)
        let json = summary.renderJSON()
        #expect(
            json.hasPrefix("{\"events\":1,\"samples\":0,\"operations\":[{\"name\":\"say \\\"hi\\\"\\n\",\"count\":1,")
        )
        #expect(json.contains("\"p99_ms\":1.5"))
    }
}
