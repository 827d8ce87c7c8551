#if canImport(VitalsAlerting)
import Foundation
import Testing
import Vitals
import VitalsAlerting
import VitalsRules
import VitalsStore

/// Rules over a store give what they give over the same data as records: the same groups, statuses and
/// values (quantiles within the sketch's accuracy), for events and gauges, on both backends.
@Suite("Rules over a store", .timeLimit(.minutes(2)))
struct StoreAnalysisTests {
    static let rules = """
        rules:
          - name: error-rate
            match: {event: llm_call}
            by: agent_id
            metric: error_rate
            thresholds: {high: "> 10%"}
          - name: p95
            match: {event: llm_call}
            by: model
            metric: p95
            thresholds: {critical: "> 1s"}
            blocking: true
          - name: calls
            match: {event: {regex: "llm_.*"}}
            metric: count
            thresholds: {warn: "> 100000"}
          - name: tokens
            match: {event: llm_call}
            metric: sum:prompt_tokens
            thresholds: {warn: "> 1000000"}
          - name: queue
            match: {gauge: queue_depth}
            by: agent_id
            metric: last
            thresholds: {medium: "> 50"}
          - name: absent
            match: {event: never_sent}
            metric: count
            thresholds: {warn: "> 0"}
        """

    /// 1,200 events over 20 minutes ending a minute ago, and gauge samples with a tie at the latest instant.
    static func records(now: Timestamp) -> [Record] {
        var generator = SplitMix64(seed: 42)
        var records: [Record] = []
        for index in 0..<1_200 {
            let start = now.adding(milliseconds: -60_000 - Double(index) * 1_000)
            let slow = generator.next() % 10 == 0
            records.append(
                .event(
                    Event(
                        name: "llm_call",
                        start: start,
                        durationMilliseconds: slow ? 2_000 + Double(index) : 100 + Double(index % 50),
                        status: index % (7 + index % 3) == 0 ? .error : .ok,
                        labels: ["agent_id": "a\(index % 4)", "model": index % 2 == 0 ? "m-large" : "m-small"],
                        attributes: ["prompt_tokens": .double(Double(100 + index % 10))]
                    )
                )
            )
        }
        for agent in 0..<4 {
            for step in 0..<10 {
                let time = now.adding(milliseconds: -120_000 - Double(step) * 30_000)
                records.append(
                    .sample(
                        Sample(
                            name: "queue_depth",
                            value: Double(agent * 20 + step),
                            timestamp: time,
                            labels: ["agent_id": "a\(agent)"]
                        )
                    )
                )
            }
            // Two samples at the latest instant: the larger wins everywhere.
            let latest = now.adding(milliseconds: -90_000)
            records.append(
                .sample(Sample(name: "queue_depth", value: 70, timestamp: latest, labels: ["agent_id": "a\(agent)"]))
            )
            records.append(
                .sample(Sample(name: "queue_depth", value: 3, timestamp: latest, labels: ["agent_id": "a\(agent)"]))
            )
        }
        return records
    }

    @Test("check over a store equals check over the same records", arguments: TestBackend.allCases)
    func sameAsRecords(backend: TestBackend) async throws {
        let rules = try RuleSet(yaml: Self.rules, file: "rules.yml").rules
        let now = Timestamp.now()
        let records = Self.records(now: now)
        var evaluator = RuleEvaluator(rules: rules)
        for record in records { evaluator.add(record) }
        let expected = evaluator.results()
        let report = try await backend.withStore { store in
            _ = try await store.ingest(records, receivedAt: now)
            return try await StoreAnalysis.check(
                rules,
                store: store,
                range: TimeRange(from: now.adding(milliseconds: -3_600_000), to: now)
            )
        }
        #expect(report.results.count == expected.count)
        for (got, want) in zip(report.results, expected) {
            #expect(got.rule.name == want.rule.name)
            #expect(got.group == want.group, "\(want.rule.name)")
            #expect(got.status == want.status, "\(want.rule.name) \(want.groupText)")
            #expect(got.severity == want.severity, "\(want.rule.name) \(want.groupText)")
            if let value = want.value, let stored = got.value {
                #expect(
                    abs(stored - value) <= abs(value) * 0.01 + 1e-9,
                    "\(want.rule.name) \(want.groupText): \(stored) vs \(value)"
                )
            } else {
                #expect(got.value == nil && want.value == nil, "\(want.rule.name)")
            }
        }
        #expect(report.results.first { $0.rule.name == "queue" }?.value == 70, "ties go to the larger value")
        #expect(report.results.first { $0.rule.name == "absent" }?.status == .noData)
        #expect(report.hasData)
    }

    @Test("a store without matching data gives the verdict no data, exit status 1", arguments: TestBackend.allCases)
    func noData(backend: TestBackend) async throws {
        let rules = try RuleSet(yaml: Self.rules, file: "rules.yml").rules
        let report = try await backend.withStore { store in
            try await StoreAnalysis.check(rules, store: store, range: .last(.seconds(3_600)))
        }
        #expect(!report.hasData)
        #expect(report.verdict.hasPrefix("no data"))
        #expect(report.exitStatus == 1)
    }

    @Test("the report over a store has agents, gauges and the memory trend", arguments: TestBackend.allCases)
    func report(backend: TestBackend) async throws {
        let now = Timestamp.now()
        var records = Self.records(now: now)
        for minute in 0..<30 {
            let time = now.adding(milliseconds: -Double(minute) * 60_000 - 1_000)
            records.append(.sample(Sample(name: "memory_mb", value: 300 - Double(minute) * 5, timestamp: time)))
        }
        let rules = try RuleSet.combined(RulePacks.all)
        let report = try await backend.withStore { store in
            _ = try await store.ingest(records, receivedAt: now)
            return try await StoreAnalysis.report(
                rules,
                store: store,
                range: TimeRange(from: now.adding(milliseconds: -3_600_000), to: now)
            )
        }
        #expect(report.agents.map(\.id) == ["a0", "a1", "a2", "a3"])
        #expect(report.agents.map(\.tasks).reduce(0, +) == 1_200)
        #expect(report.agents.allSatisfy { $0.queueDepth == 70 })
        #expect(report.memory?.leakSuspected == true, "memory rises by 5 MB a minute")
        let workload = report.check.results.filter { $0.rule.name == "agent-queue-depth" }
        #expect(!workload.isEmpty && workload.allSatisfy { $0.status != .noData }, "gauges reach the rules")
    }
}
#endif
