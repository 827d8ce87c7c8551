import Testing
import Vitals
import VitalsRules

/// Every built-in pack passes at each threshold's boundary and is violated just beyond it.
@Suite("Built-in packs")
struct PackTests {
    @Test("every pack parses, has a description and round-trips through its YAML")
    func packsParse() throws {
        #expect(RulePacks.names == ["pipeline", "agents", "supervisor", "tool-tiers"])
        for name in RulePacks.names {
            let pack = try #require(RulePacks.pack(named: name))
            #expect(pack.name == name)
            #expect(pack.description?.contains("Expects") == true)
            #expect(!pack.rules.isEmpty)
            #expect(try RuleSet(yaml: RulePacks.yaml(named: name)!, file: name).rules == pack.rules)
        }
        #expect(RulePacks.pack(named: "nope") == nil)
    }

    // MARK: pipeline

    static func stage(_ stage: String, ms: Double) -> Record {
        TestData.event("stage", ms: ms, attributes: ["stage": .string(stage)])
    }

    @Test(
        "pipeline timing contracts: at the limit passes, beyond is a blocking critical violation",
        arguments: [
            ("session-processing", "session", 3000.0, 3000.5),
            ("full-discovery", "discovery", 180_000, 180_001),
            ("initialization", "init", 2000, 2000.25),
        ]
    )
    func pipelineTimings(rule: String, stage: String, limit: Double, beyond: Double) throws {
        let passing = TestData.evaluate(pack: "pipeline", [Self.stage(stage, ms: 10), Self.stage(stage, ms: limit)])
        #expect(try #require(passing.result(rule)).status == .passed)
        let failing = TestData.evaluate(
            pack: "pipeline",
            [Self.stage(stage, ms: limit), Self.stage(stage, ms: beyond)]
        )
        let violation = try #require(failing.result(rule))
        #expect(violation.status == .violated)
        #expect(violation.severity == .critical)
        #expect(violation.isBlocking)
        #expect(violation.value == beyond)
    }

    @Test("pipeline memory: 100 MB passes, more is violated")
    func pipelineMemory() throws {
        let passing = TestData.evaluate(
            pack: "pipeline",
            [TestData.gauge("memory_mb", 40), TestData.gauge("memory_mb", 100)]
        )
        #expect(try #require(passing.result("peak-memory")).status == .passed)
        let failing = TestData.evaluate(pack: "pipeline", [TestData.gauge("memory_mb", 100.5)])
        let violation = try #require(failing.result("peak-memory"))
        #expect(violation.status == .violated)
        #expect(violation.valueText == "100.5MB")
    }

    @Test("pipeline authenticity: an average of 87 % passes, below is violated")
    func pipelineAuthenticity() throws {
        let at = [0.87, 0.87].map { TestData.event("pattern", ms: 1, attributes: ["authenticity": .double($0)]) }
        #expect(try #require(TestData.evaluate(pack: "pipeline", at).result("authenticity")).status == .passed)
        let below = [0.87, 0.8698].map { TestData.event("pattern", ms: 1, attributes: ["authenticity": .double($0)]) }
        let violation = try #require(TestData.evaluate(pack: "pipeline", below).result("authenticity"))
        #expect(violation.status == .violated)
        #expect(violation.valueText == "86.99%")
    }

    @Test("pipeline monitoring overhead: p99 of 1 ms passes, above is violated")
    func pipelineOverhead() throws {
        let at = (0..<200).map { _ in TestData.event("monitoring", ms: 1) }
        #expect(try #require(TestData.evaluate(pack: "pipeline", at).result("monitoring-overhead")).status == .passed)
        let above = (0..<200).map { _ in TestData.event("monitoring", ms: 1.01) }
        #expect(
            try #require(TestData.evaluate(pack: "pipeline", above).result("monitoring-overhead")).status == .violated
        )
    }

    @Test("pipeline invariants: exactly 6 event types and 4 edge intents", arguments: [5, 6, 7])
    func pipelineInvariants(count: Int) throws {
        let patterns = (0..<(count * 3)).map {
            TestData.event("pattern", ms: 1, attributes: ["type": .string("T\($0 % count)"), "authenticity": 0.9])
        }
        let edges = (0..<(count * 2)).map {
            TestData.event(
                "edge",
                ms: 1,
                attributes: ["intent": .string("I\($0 % (count - 2))"), "cross_session": false]
            )
        }
        let results = TestData.evaluate(pack: "pipeline", patterns + edges)
        #expect(try #require(results.result("event-types")).status == (count == 6 ? .passed : .violated))
        #expect(try #require(results.result("edge-intents")).status == (count == 6 ? .passed : .violated))
        #expect(try #require(results.result("cross-session-edges")).status == .noData)
    }

    @Test("pipeline: one cross-session edge blocks")
    func pipelineCrossSession() throws {
        let edges = [
            TestData.event("edge", ms: 1, attributes: ["intent": "CONTEXT", "cross_session": false]),
            TestData.event("edge", ms: 1, attributes: ["intent": "CONTEXT", "cross_session": true]),
        ]
        let violation = try #require(TestData.evaluate(pack: "pipeline", edges).result("cross-session-edges"))
        #expect(violation.status == .violated)
        #expect(violation.value == 1)
        #expect(violation.isBlocking)
    }

    // MARK: agents

    static func tasks(agent: String, total: Int, failed: Int, ms: Double = 1000) -> [Record] {
        (0..<total).map {
            TestData.event("task", ms: ms, status: $0 < failed ? .error : .ok, labels: ["agent_id": .init(agent)])
        }
    }

    @Test(
        "agents error rate: > 5 / 10 / 20 % is medium / high / critical",
        arguments: [(5, nil), (6, Severity.medium), (10, .medium), (11, .high), (20, .high), (21, .critical)]
    )
    func agentErrorRate(failed: Int, severity: Severity?) throws {
        let results = TestData.evaluate(pack: "agents", Self.tasks(agent: "AGENT_54", total: 100, failed: failed))
        let result = try #require(results.result("agent-error-rate", ["AGENT_54"]))
        #expect(result.severity == severity)
        #expect(result.status == (severity == nil ? .passed : .violated))
        #expect(!result.isBlocking)
    }

    @Test(
        "agents average task duration: > 300 / 600 s is medium / high",
        arguments: [(300_000.0, nil), (300_001, Severity.medium), (600_000, .medium), (600_001, .high)]
    )
    func agentDuration(ms: Double, severity: Severity?) throws {
        let results = TestData.evaluate(pack: "agents", Self.tasks(agent: "A", total: 3, failed: 0, ms: ms))
        #expect(try #require(results.result("agent-task-duration", ["A"])).severity == severity)
    }

    @Test(
        "agents gauges at and beyond each boundary (latest value counts)",
        arguments: [
            ("workload_pct", "agent-workload", 90.0, nil), ("workload_pct", "agent-workload", 90.5, Severity.high),
            ("workload_pct", "agent-workload", 95, .high), ("workload_pct", "agent-workload", 95.5, .critical),
            ("queue_depth", "agent-queue-depth", 50, nil), ("queue_depth", "agent-queue-depth", 51, .medium),
            ("queue_depth", "agent-queue-depth", 75, .medium), ("queue_depth", "agent-queue-depth", 76, .high),
            ("queue_depth", "agent-queue-depth", 100, .high), ("queue_depth", "agent-queue-depth", 101, .critical),
            ("cache_hit_rate", "agent-cache-hit-rate", 0.8, nil),
            ("cache_hit_rate", "agent-cache-hit-rate", 0.79, .medium),
            ("cache_hit_rate", "agent-cache-hit-rate", 0.5, .medium),
            ("cache_hit_rate", "agent-cache-hit-rate", 0.49, .high),
        ]
    )
    func agentGauges(gauge: String, rule: String, value: Double, severity: Severity?) throws {
        // An older, worse sample must not count: the latest value is judged.
        let records = [
            TestData.gauge(gauge, value, labels: ["agent_id": "A"], atSecond: 20),
            TestData.gauge(gauge, gauge == "cache_hit_rate" ? 0.01 : 1000, labels: ["agent_id": "A"], atSecond: 10),
        ]
        let result = try #require(TestData.evaluate(pack: "agents", records).result(rule, ["A"]))
        #expect(result.severity == severity)
    }

    // MARK: supervisor

    @Test("supervisor: error rate above 10 % is critical", arguments: [(10, false), (11, true)])
    func supervisorErrors(failed: Int, violated: Bool) throws {
        let records = (0..<100).map {
            TestData.event("request", ms: 100, status: $0 < failed ? .error : .ok, labels: ["service": "bot"])
        }
        let result = try #require(TestData.evaluate(pack: "supervisor", records).result("service-error-rate", ["bot"]))
        #expect(result.status == (violated ? .violated : .passed))
        #expect(result.severity == (violated ? .critical : nil))
    }

    @Test("supervisor: p95 above 5 s is high", arguments: [(5, false), (6, true)])
    func supervisorLatency(slow: Int, violated: Bool) throws {
        let records = (0..<100).map {
            TestData.event("request", ms: $0 < slow ? 6000 : 100, labels: ["service": "bot"])
        }
        let at = (0..<20).map { _ in TestData.event("request", ms: 5000, labels: ["service": "api"]) }
        let results = TestData.evaluate(pack: "supervisor", records + at)
        #expect(
            try #require(results.result("service-p95-response-time", ["bot"])).status
                == (violated ? .violated : .passed)
        )
        #expect(try #require(results.result("service-p95-response-time", ["api"])).status == .passed)
    }

    @Test("supervisor: KB coverage below 80 % warns", arguments: [(0.8, false), (0.7999, true)])
    func supervisorCoverage(coverage: Double, violated: Bool) throws {
        let results = TestData.evaluate(
            pack: "supervisor",
            [TestData.gauge("kb_coverage", coverage, labels: ["service": "kb"])]
        )
        let result = try #require(results.result("kb-coverage", ["kb"]))
        #expect(result.severity == (violated ? .warn : nil))
    }

    // MARK: tool tiers

    @Test(
        "tool tiers: latency range, floor and timeout of each tier",
        arguments: [
            (1, 100.0, 100.5, 5000.0, nil as Double?),
            (2, 5000, 5001, 30_000, 200),
            (3, 10_000, 10_001, 60_000, 500),
            (4, 30_000, 30_001, 60_000, 5000),
        ]
    )
    func toolTiers(tier: Int, upper: Double, beyond: Double, timeout: Double, floor: Double?) throws {
        func calls(_ ms: [Double]) -> [RuleResult] {
            TestData.evaluate(
                pack: "tool-tiers",
                ms.map { TestData.event("tool_call", ms: $0, attributes: ["tool": "t", "tier": .int(Int64(tier))]) }
            )
        }
        let atUpper = calls(Array(repeating: upper, count: 20))
        #expect(try #require(atUpper.result("tier\(tier)-latency", ["t"])).status == .passed)
        #expect(try #require(atUpper.result("tier\(tier)-timeout", ["t"])).status == .passed)
        let slow = try #require(calls(Array(repeating: beyond, count: 20)).result("tier\(tier)-latency", ["t"]))
        #expect(slow.severity == .high)
        #expect(!slow.isBlocking)
        let atTimeout = calls([upper, timeout])
        #expect(try #require(atTimeout.result("tier\(tier)-timeout", ["t"])).status == .passed)
        let timedOut = try #require(calls([upper, timeout + 1]).result("tier\(tier)-timeout", ["t"]))
        #expect(timedOut.severity == .critical)
        #expect(timedOut.isBlocking)
        if let floor {
            #expect(try #require(calls([floor, floor]).result("tier\(tier)-floor", ["t"])).status == .passed)
            #expect(try #require(calls([floor - 1, floor - 1]).result("tier\(tier)-floor", ["t"])).severity == .warn)
        }
    }

    @Test("tool tiers: a tier written as text matches too, other tiers' rules see no data")
    func tierAsText() throws {
        let results = TestData.evaluate(
            pack: "tool-tiers",
            [TestData.event("tool_call", ms: 150, attributes: ["tool": "status", "tier": "1"])]
        )
        #expect(try #require(results.result("tier1-latency", ["status"])).severity == .high)
        #expect(try #require(results.result("tier2-latency")).status == .noData)
    }
}
