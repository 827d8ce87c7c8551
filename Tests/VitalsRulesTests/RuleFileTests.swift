import Testing
import Vitals
import VitalsRules

@Suite("Rule files")
struct RuleFileTests {
    static let valid = """
        name: contracts
        description: Test contracts.
        rules:
          - name: session-processing
            match: {event: stage, stage: session}
            metric: max
            thresholds: {critical: "> 3s"}
            blocking: true
            recommendation: Profile the slowest session first.
          - name: event-types
            match: {event: pattern}
            metric: distinct:type
            thresholds: {critical: "!= 6"}
            blocking: true
          - name: llm-latency
            description: p99.9 of LLM calls by model
            match:
              event: {regex: "llm_.*"}
              model: "!gpt-legacy"
              phase: [initial, retry]
            by: model
            metric: p99.9
            thresholds: {warn: "> 2s", medium: "> 5s", high: "> 10s", critical: "> 30s"}
            window: 5m
            for: 2m
            require_data: true
          - name: queue
            match: {gauge: queue_depth, agent_id: "~AGENT_5.*"}
            by: [agent_id]
            metric: last
            thresholds: {medium: "> 50"}
        """

    @Test("a valid file reads every key")
    func readsValidFile() throws {
        let set = try RuleSet(yaml: Self.valid, file: "rules.yml")
        #expect(set.name == "contracts")
        #expect(set.description == "Test contracts.")
        #expect(set.rules.map(\.name) == ["session-processing", "event-types", "llm-latency", "queue"])
        let session = set.rules[0]
        #expect(session.metric == .maximumDuration)
        #expect(session.blocking)
        #expect(session.thresholds.map(\.severity) == [.critical])
        #expect(session.thresholds[0].threshold.value == 3000)
        #expect(session.matchers.map(\.description) == [#"stage="session""#])
        #expect(session.location == RuleLocation(file: "rules.yml", line: 4, column: 5))
        #expect(set.rules[1].metric == .distinct("type"))
        let latency = set.rules[2]
        #expect(latency.metric.description == "p99.9")
        #expect(latency.groupBy == ["model"])
        #expect(latency.thresholds.map(\.severity) == [.warn, .medium, .high, .critical])
        #expect(latency.windowMilliseconds == 300_000)
        #expect(latency.pendingMilliseconds == 120_000)
        #expect(latency.requireData)
        #expect(!latency.blocking)
        #expect(latency.nameMatcher.matches("llm_call"))
        #expect(!latency.nameMatcher.matches("tool_call"))
        #expect(latency.matchers[0].operation == .notEqual("gpt-legacy"))
        #expect(latency.matchers[1].operation == .oneOf(["initial", "retry"]))
        let queue = set.rules[3]
        #expect(queue.source == .gauge)
        #expect(queue.metric == .gaugeLast)
        #expect(queue.matchers[0].matches("AGENT_54"))
        #expect(!queue.matchers[0].matches("AGENT_61"))
    }

    /// Each bad file gives one line `FILE:LINE:COLUMN: message`, at the offending text.
    @Test(
        "bad files name file, line and column",
        arguments: [
            // YAML syntax: an unquoted `>` threshold inside a flow mapping.
            (
                "rules:\n  - name: a\n    match: {event: x}\n    metric: max\n    thresholds: {critical: > 3s}\n",
                "bad.yml:5:", "invalid YAML"
            ),
            (
                "rules:\n  - name: a\n    match: {event: x}\n    metric: p95x\n    thresholds: {critical: \"> 3s\"}\n",
                "bad.yml:4:13: ", "unknown metric \"p95x\""
            ),
            (
                "rules:\n  - name: a\n    match: {event: x}\n    metric: max\n    thresholds: {critical: \"> 3 sec\"}\n",
                "bad.yml:5:28: ", "unknown unit \"sec\""
            ),
            (
                "rules:\n  - name: a\n    match: {event: x}\n    metric: max\n    thresholds: {critical: \"> 90%\"}\n",
                "bad.yml:5:28: ", "threshold of the wrong kind"
            ),
            (
                "rules:\n  - name: a\n    match: {event: x}\n    metric: error_rate\n    thresholds: {high: \"> 3s\"}\n",
                "bad.yml:5:24: ", "threshold of the wrong kind"
            ),
            (
                "rules:\n  - name: a\n    match: {event: x}\n    metric: count\n    thresholds: {high: \"> 5%\"}\n",
                "bad.yml:5:24: ", "threshold of the wrong kind"
            ),
            (
                "rules:\n  - name: a\n    match: {gauge: memory_mb}\n    metric: max\n    thresholds: {high: \"> 3s\"}\n",
                "bad.yml:5:24: ", "threshold of the wrong kind"
            ),
            (
                "rules:\n  - name: a\n    match: {event: x}\n    metric: max\n    thresholds: {critical: \"> 3s\"}\n"
                    + "  - name: a\n    match: {event: y}\n    metric: max\n    thresholds: {critical: \"> 3s\"}\n",
                "bad.yml:6:5: ", "duplicate rule name \"a\" (first defined at bad.yml:2:5)"
            ),
            (
                "rules:\n  - name: a\n    match: {event: x}\n    metric: max\n    tresholds: {critical: \"> 3s\"}\n",
                "bad.yml:5:5: ", "unknown key \"tresholds\" in a rule; expected one of"
            ),
            (
                "rules:\n  - name: a\n    match: {event: x}\n    metric: max\n    thresholds: {urgent: \"> 3s\"}\n",
                "bad.yml:5:18: ", "unknown severity \"urgent\""
            ),
            (
                "rules:\n  - name: a\n    match: {event: x}\n    metric: max\n", "bad.yml:2:5: ",
                "has no `thresholds` key"
            ),
            (
                "rules:\n  - name: a\n    match: {stage: x}\n    metric: max\n    thresholds: {critical: \"> 3s\"}\n",
                "bad.yml:3:12: ", "`match` has no `event:` or `gauge:`"
            ),
            (
                "rules:\n  - name: a\n    match: {event: \"~(\"}\n    metric: max\n    thresholds: {critical: \"> 3s\"}\n",
                "bad.yml:3:20: ", "does not compile"
            ),
            (
                "rules:\n  - name: a\n    match: {event: x}\n    metric: max\n    thresholds: {critical: \"3s\"}\n",
                "bad.yml:5:28: ", "has no operator"
            ),
            (
                "rules:\n  - name: a\n    match: {gauge: q}\n    metric: p95\n    thresholds: {critical: \"> 3\"}\n",
                "bad.yml:4:13: ", "unknown metric \"p95\" for a gauge (it is a metric of events)"
            ),
            (
                "rules:\n  - name: a\n    match: {event: x}\n    metric: max\n    thresholds: {critical: \"> 3s\"}\n"
                    + "    window: soon\n", "bad.yml:6:13: ", "is not a duration"
            ),
            (
                "rules:\n  - name: a\n    match: {event: x}\n    metric: max\n    thresholds: {critical: \"> 3s\"}\n"
                    + "    blocking: maybe\n", "bad.yml:6:15: ", "not a boolean"
            ),
            ("rules:\n  name: a\n", "bad.yml:2:3: ", "`rules` is not a list"),
            ("rulez: []\n", "bad.yml:1:1: ", "did you mean \"rules\""),
            ("rules:\n  - name: a\n    name: b\n", "bad.yml:2:5: ", "appears twice"),
        ]
    )
    func badFiles(yaml: String, prefix: String, fragment: String) {
        do {
            _ = try RuleSet(yaml: yaml, file: "bad.yml")
            Issue.record("expected an error for \(fragment)")
        } catch {
            let text = error.description
            #expect(text.hasPrefix(prefix), "\(text)")
            #expect(text.contains(fragment), "\(text)")
            #expect(!text.contains("\n"), "one line: \(text)")
        }
    }

    @Test("error codes tell the classes apart")
    func codes() {
        func code(_ yaml: String) -> RuleError.Code? {
            do {
                _ = try RuleSet(yaml: yaml, file: "f")
                return nil
            } catch { return error.code }
        }
        let head = "rules:\n  - name: a\n    match: {event: x}\n"
        #expect(code("rules: [\n") == .yamlSyntax)
        #expect(code(head + "    metric: nope\n    thresholds: {high: \"> 1\"}\n") == .unknownMetric)
        #expect(code(head + "    metric: max\n    thresholds: {high: \"> 1 parsec\"}\n") == .badUnit)
        #expect(code(head + "    metric: max\n    thresholds: {high: \"> 1\"}\n") == .wrongKind)
        #expect(code(head + "    metric: max\n    thresholds: {high: \"1s\"}\n") == .badThreshold)
        #expect(
            code(
                head + "    metric: max\n    thresholds: {high: \"> 1s\"}\n" + String(head.dropFirst(7))
                    + "    metric: max\n    thresholds: {high: \"> 1s\"}\n"
            ) == .duplicateName
        )
    }

    @Test("attribute units come from the name suffix")
    func attributeUnits() throws {
        let yaml = """
            rules:
              - {name: a, match: {event: x}, metric: "avg:latency_ms", thresholds: {high: "> 2s"}}
              - {name: b, match: {event: x}, metric: "max:rss_mb", thresholds: {high: "> 1GB"}}
              - {name: c, match: {gauge: workload_pct}, metric: last, thresholds: {high: "> 90%"}}
              - {name: d, match: {event: x}, metric: "avg:quality", thresholds: {high: "< 87%"}}
              - {name: e, match: {event: x}, metric: "avg:quality", thresholds: {high: "< 0.87"}}
              - {name: f, match: {event: llm_call}, metric: "avg:tokens_per_s", thresholds: {high: "< 20"}}
              - {name: g, match: {event: llm_call}, metric: "max:ttft_ms", thresholds: {high: "> 2s"}}
            """
        let set = try RuleSet(yaml: yaml, file: "units.yml")
        // A rate per second is a number, not a duration in seconds.
        #expect(set.rules.map(\.valueKind) == [.duration, .bytes, .ratio, .number, .number, .number, .duration])
        #expect(throws: RuleError.self) {
            try RuleSet(
                yaml:
                    "rules:\n  - {name: a, match: {event: x}, metric: \"avg:quality\", thresholds: {high: \"> 2s\"}}\n",
                file: "f"
            )
        }
    }

    @Test("rule sets combine only with distinct names")
    func combine() throws {
        let pipeline = try RuleSet.resolve("pipeline")
        #expect(throws: RuleError.self) { try RuleSet.combined([pipeline, pipeline]) }
        let all = try RuleSet.combined(RulePacks.all)
        #expect(all.count == RulePacks.all.map(\.rules.count).reduce(0, +))
    }

    @Test("an unknown pack name suggests the nearest pack")
    func unknownPack() {
        do {
            _ = try RuleSet.resolve("pipline")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unknownPack)
            #expect(error.description.contains("did you mean \"pipeline\""))
        }
    }
}
