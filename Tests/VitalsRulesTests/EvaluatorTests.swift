import Testing
import Vitals
import VitalsRules

@Suite("Rule evaluation")
struct EvaluatorTests {
    @Test("groups by labels or attributes, matchers select, absent labels group as empty")
    func grouping() throws {
        let rules = try TestData.rules(
            """
            rules:
              - name: by-model
                match: {event: llm_call, phase: "!retry"}
                by: [model]
                metric: count
                thresholds: {high: "> 2"}
            """
        )
        let records = [
            TestData.event("llm_call", ms: 1, attributes: ["model": "a"]),
            TestData.event("llm_call", ms: 1, attributes: ["model": "a"]),
            TestData.event("llm_call", ms: 1, attributes: ["model": "a"]),
            TestData.event("llm_call", ms: 1, attributes: ["model": "a", "phase": "retry"]),
            TestData.event("llm_call", ms: 1, attributes: ["model": "b"]),
            TestData.event("llm_call", ms: 1),
            TestData.event("tool_call", ms: 1, attributes: ["model": "a"]),
        ]
        let results = TestData.evaluate(rules, records)
        #expect(results.map { $0.group.map(\.value) } == [[""], ["a"], ["b"]])
        #expect(try #require(results.result("by-model", ["a"])).value == 3)
        #expect(try #require(results.result("by-model", ["a"])).severity == .high)
        #expect(try #require(results.result("by-model", ["b"])).status == .passed)
        #expect(try #require(results.result("by-model", [""])).groupText == "model=(none)")
    }

    @Test("rules over the same selection share their groups and give what each gives alone, from records and series")
    func sharedGroups() throws {
        let rules = try TestData.rules(
            """
            rules:
              - {name: p95, match: {event: task}, by: agent_id, metric: p95, thresholds: {warn: "> 5ms"}}
              - {name: p50, match: {event: task}, by: agent_id, metric: p50, thresholds: {warn: "> 5ms"}}
              - {name: count, match: {event: task}, by: agent_id, metric: count, thresholds: {warn: "> 3"}}
              - {name: errors, match: {event: task}, by: agent_id, metric: error_rate, thresholds: {warn: "> 10%"}}
              - {name: count-again, match: {event: task}, by: agent_id, metric: count, thresholds: {warn: "> 30"}}
              - {name: ungrouped, match: {event: task}, metric: count, thresholds: {warn: "> 3"}}
              - {name: a1-only, match: {event: task, agent_id: A1}, by: agent_id, metric: count, thresholds: {warn: "> 3"}}
            """
        )
        let records =
            TestData.tasks(agent: "A1", total: 5, failed: 1, ms: 10)
            + TestData.tasks(agent: "A2", total: 2, failed: 0, ms: 1)
        let together = TestData.evaluate(rules, records)
        let alone = rules.flatMap { TestData.evaluate([$0], records) }
        #expect(together == alone)
        #expect(together.result("count", ["A1"])?.value == 5, "each record counted once, not once per sharing rule")
        #expect(together.result("count-again", ["A1"])?.status == .passed)
        #expect(together.result("ungrouped")?.value == 7)
        #expect(together.filter { $0.rule.name == "a1-only" }.map(\.group.first?.value) == ["A1"])

        // The same through series aggregates, the store's path.
        func series(_ agent: String, _ total: Int, _ failed: Int, _ ms: Double) -> SeriesAggregate {
            var statistics = EventStatistics()
            for index in 0..<total { statistics.add(durationMilliseconds: ms, status: index < failed ? .error : .ok) }
            return SeriesAggregate(
                key: SeriesKey(kind: .event, name: "task", labels: ["agent_id": agent]),
                operation: statistics
            )
        }
        var evaluator = RuleEvaluator(rules: rules)
        evaluator.add(series("A1", 5, 1, 10))
        evaluator.add(series("A2", 2, 0, 1))
        #expect(evaluator.results().map(\.value) == together.map(\.value))
    }

    @Test("a pattern that is exponential for backtracking engines is evaluated in one pass over each value")
    func catastrophicPattern() throws {
        let rules = try TestData.rules(
            """
            rules:
              - {name: hostile, match: {event: llm_call, model: "~(a+)+b"}, metric: count, thresholds: {high: "> 0"}}
            """
        )
        let hostile = String(repeating: "a", count: 5_000) + "!"
        let records = (0..<50).map { index in
            TestData.event(
                "llm_call",
                ms: 1,
                attributes: ["model": .string(index == 0 ? "aaab" : hostile + "\(index)")]
            )
        }
        #expect(TestData.evaluate(rules, records).result("hostile")?.value == 1)
    }

    @Test("a pattern with no linear-time algorithm is refused when the file is read, with its line")
    func unsupportedPattern() {
        #expect {
            _ = try TestData.rules(
                """
                rules:
                  - {name: backref, match: {event: llm_call, model: "~(a)\\\\1"}, metric: count, thresholds: {high: "> 0"}}
                """
            )
        } throws: { error in
            "\(error)".contains("test.yml:2") && "\(error)".contains("back-references")
        }
    }

    @Test("regex, negated regex, lists and name regexes")
    func matchers() throws {
        let rules = try TestData.rules(
            """
            rules:
              - {name: re, match: {event: "~llm_.*", model: {regex: "gpt-.*"}}, metric: count, thresholds: {high: "> 100"}}
              - {name: nre, match: {event: llm_call, model: "!~gpt-.*"}, metric: count, thresholds: {high: "> 100"}}
              - {name: in, match: {event: {in: [a, b]}}, metric: count, thresholds: {high: "> 100"}}
              - {name: notin, match: {event: {not_in: [a, b, llm_call, llm_stream]}}, metric: count, thresholds: {high: "> 100"}}
            """
        )
        let records = [
            TestData.event("llm_call", ms: 1, attributes: ["model": "gpt-5"]),
            TestData.event("llm_stream", ms: 1, attributes: ["model": "gpt-4o"]),
            TestData.event("llm_call", ms: 1, attributes: ["model": "claude"]),
            TestData.event("llm_call", ms: 1),
            TestData.event("a", ms: 1),
            TestData.event("b", ms: 1),
            TestData.event("c", ms: 1),
        ]
        let results = TestData.evaluate(rules, records)
        #expect(results.result("re")?.value == 2)
        #expect(results.result("nre")?.value == 2)
        #expect(results.result("in")?.value == 2)
        #expect(results.result("notin")?.value == 1)
    }

    @Test("no data is not a violation unless the rule requires data")
    func noData() throws {
        let rules = try TestData.rules(
            """
            rules:
              - {name: optional, match: {event: x}, metric: max, thresholds: {high: "> 1s"}, blocking: true}
              - {name: required, match: {event: x}, metric: max, thresholds: {medium: "> 1s", high: "> 2s"}, require_data: true, blocking: true}
            """
        )
        let results = TestData.evaluate(rules, [TestData.event("y", ms: 5000)])
        #expect(results.result("optional")?.status == .noData)
        #expect(results.result("optional")?.isBlocking == false)
        let required = try #require(results.result("required"))
        #expect(required.status == .violated)
        #expect(required.severity == .high)
        #expect(required.isBlocking)
        #expect(required.valueText == "no data")
        let report = CheckReport(results: results)
        #expect(report.verdict == "blocked by 1 violation")
        #expect(report.noDataRules == ["optional"])
    }

    @Test("event metrics: rates, quantiles, sums, attributes, distinct, rate per second")
    func eventMetrics() throws {
        let metrics = [
            "count", "rate", "error_rate", "timeout_rate", "avg", "min", "max", "sum", "p50", "p99.9",
            "sum:cost_usd", "avg:cost_usd", "min:cost_usd", "max:cost_usd", "distinct:model",
        ]
        let yaml =
            "rules:\n"
            + metrics.map {
                "  - {name: \"\($0)\", match: {event: e}, metric: \"\($0)\", thresholds: {high: \"\(threshold(for: $0))\"}}"
            }.joined(separator: "\n")
        let rules = try TestData.rules(yaml)
        let statuses: [EventStatus] = [.ok, .error, .timeout, .ok]
        let records = (0..<4).map { index in
            TestData.event(
                "e",
                ms: Double(index + 1) * 100,
                status: statuses[index],
                attributes: index == 3 ? ["model": "b"] : ["model": "a", "cost_usd": .double(Double(index) + 0.5)],
                atSecond: Double(index * 10)
            )
        }
        let results = TestData.evaluate(rules, records)
        let values = Dictionary(uniqueKeysWithValues: results.map { ($0.rule.name, $0.value) })
        #expect(values["count"] == 4)
        // First start at -0.1 s, last end at 30 s: 4 events over 30.1 s.
        #expect(abs(values["rate"]!! - 4 / 30.1) < 1e-9)
        #expect(values["error_rate"] == 0.5)
        #expect(values["timeout_rate"] == 0.25)
        #expect(values["avg"] == 250)
        #expect(values["min"] == 100)
        #expect(values["max"] == 400)
        #expect(values["sum"] == 1000)
        #expect(abs(values["p50"]!! - 200) <= 200 / 128)
        #expect(values["p99.9"] == 400)
        #expect(values["sum:cost_usd"] == 4.5)
        #expect(values["avg:cost_usd"] == 1.5)
        #expect(values["min:cost_usd"] == 0.5)
        #expect(values["max:cost_usd"] == 2.5)
        #expect(values["distinct:model"] == 2)
    }

    private func threshold(for metric: String) -> String {
        switch metric {
        case "error_rate", "timeout_rate": return "> 50%"
        case "avg", "min", "max", "sum", "p50", "p99.9": return "> 1h"
        default: return "> 1000"
        }
    }

    @Test("gauge metrics: last by timestamp, avg, min, max, count")
    func gaugeMetrics() throws {
        let rules = try TestData.rules(
            """
            rules:
              - {name: last, match: {gauge: depth}, metric: last, thresholds: {high: "> 100"}}
              - {name: avg, match: {gauge: depth}, metric: avg, thresholds: {high: "> 100"}}
              - {name: min, match: {gauge: depth}, metric: min, thresholds: {high: "> 100"}}
              - {name: max, match: {gauge: depth}, metric: max, thresholds: {high: "> 100"}}
              - {name: count, match: {gauge: depth}, metric: count, thresholds: {high: "> 100"}}
            """
        )
        let records = [
            TestData.gauge("depth", 7, atSecond: 3), TestData.gauge("depth", 1, atSecond: 1),
            TestData.gauge("depth", 4, atSecond: 2),
        ]
        let results = TestData.evaluate(rules, records)
        #expect(results.map(\.value) == [7, 4, 1, 7, 3])
    }

    @Test("distinct values are capped, and the result says so")
    func distinctCap() throws {
        let rules = try TestData.rules(
            "rules:\n  - {name: d, match: {event: e}, metric: \"distinct:id\", thresholds: {high: \"> 5\"}}"
        )
        var evaluator = RuleEvaluator(rules: rules)
        for index in 0..<10_050 {
            evaluator.add(TestData.event("e", ms: 1, attributes: ["id": .int(Int64(index))]))
        }
        let result = try #require(evaluator.results().first)
        #expect(result.value == 10_000)
        #expect(result.note?.contains("capped") == true)
    }

    @Test("groups beyond the cap fold into __overflow__ without losing counts")
    func groupCap() throws {
        let rules = try TestData.rules(
            "rules:\n  - {name: g, match: {event: e}, by: [id], metric: count, thresholds: {high: \"> 5\"}}"
        )
        var evaluator = RuleEvaluator(rules: rules)
        for index in 0..<(RuleEvaluator.maximumGroups + 20) {
            evaluator.add(TestData.event("e", ms: 1, labels: ["id": "g\(index)"]))
        }
        let results = evaluator.results()
        #expect(results.count == RuleEvaluator.maximumGroups + 1)
        #expect(results.result("g", ["__overflow__"])?.value == 20)
        #expect(results.compactMap(\.value).reduce(0, +) == Double(RuleEvaluator.maximumGroups + 20))
    }

    @Test("merging evaluators of two halves equals evaluating everything at once")
    func merge() throws {
        let rules = RulePacks.pack(named: "agents")!.rules + RulePacks.pack(named: "supervisor")!.rules
        var records: [Record] = []
        for index in 0..<400 {
            let agent: Labels = ["agent_id": .init("A\(index % 7)"), "service": .init("s\(index % 3)")]
            records.append(
                TestData.event(
                    "task",
                    ms: Double(index * 997 % 700_000),
                    status: index % 9 == 0 ? .error : .ok,
                    labels: agent
                )
            )
            records.append(TestData.event("request", ms: Double(index * 31 % 9000), labels: agent))
            records.append(TestData.gauge("workload_pct", Double(index % 100), labels: agent, atSecond: Double(index)))
        }
        let whole = TestData.evaluate(rules, records)
        var first = RuleEvaluator(rules: rules)
        var second = RuleEvaluator(rules: rules)
        for record in records.prefix(600) { first.add(record) }
        for record in records.dropFirst(600) { second.add(record) }
        first.merge(second)
        #expect(first.results() == whole)
        #expect(first.eventCount == 800)
        #expect(first.sampleCount == 400)
    }

    @Test("pre-aggregated series (a store's answer) evaluate like the events they summarise")
    func seriesSource() async throws {
        let rules = RulePacks.pack(named: "agents")!.rules
        var operation = EventStatistics()
        for index in 0..<100 { operation.add(durationMilliseconds: 400_000, status: index < 12 ? .error : .ok) }
        var gauge = GaugeStatistics()
        gauge.add(Sample(name: "queue_depth", value: 80))
        let series = [
            SeriesAggregate(
                key: SeriesKey(kind: .event, name: "task", labels: ["agent_id": "A"]),
                operation: operation
            ),
            SeriesAggregate(key: SeriesKey(kind: .gauge, name: "queue_depth", labels: ["agent_id": "A"]), gauge: gauge),
        ]
        struct Store: RuleDataSource {
            let series: [SeriesAggregate]
            func feed(_ evaluator: inout RuleEvaluator) async throws {
                for item in series { evaluator.add(item) }
            }
        }
        let results = try await RuleEvaluator.evaluate(rules, over: Store(series: series))
        #expect(results.result("agent-error-rate", ["A"])?.severity == .high)
        #expect(results.result("agent-task-duration", ["A"])?.severity == .medium)
        #expect(results.result("agent-queue-depth", ["A"])?.severity == .high)
        #expect(results.result("agent-workload")?.status == .noData)
        let fromRecords = try await RuleEvaluator.evaluate(
            rules,
            over: RecordSource(TestData.tasks(agent: "A", total: 100, failed: 12, ms: 400_000))
        )
        #expect(
            fromRecords.result("agent-error-rate", ["A"])?.value == results.result("agent-error-rate", ["A"])?.value
        )
    }
}

extension TestData {
    static func tasks(agent: String, total: Int, failed: Int, ms: Double) -> [Record] {
        (0..<total).map {
            event("task", ms: ms, status: $0 < failed ? .error : .ok, labels: ["agent_id": .init(agent)])
        }
    }
}
