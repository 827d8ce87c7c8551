import Foundation
import Testing
import Vitals
import VitalsRules

@Suite("Report")
struct ReportTests {
    /// A fleet of three agents (one healthy, one overloaded, one failing), pipeline stages and a rising memory.
    static func records() -> [Record] {
        var records: [Record] = []
        func agent(_ id: String) -> Labels { ["agent_id": .init(id), "agent_name": .init("Agent \(id)")] }
        for index in 0..<100 {
            let second = Double(index)
            records.append(TestData.event("task", ms: 2000, labels: agent("A1"), atSecond: second))
            records.append(
                TestData.event(
                    "task",
                    ms: 9000,
                    status: index % 4 == 0 ? .error : .ok,
                    labels: agent("A2"),
                    atSecond: second
                )
            )
            records.append(
                TestData.event(
                    "task",
                    ms: 400_000,
                    status: index % 2 == 0 ? .error : .ok,
                    labels: agent("A3"),
                    atSecond: second
                )
            )
            records.append(TestData.gauge("memory_mb", 40 + second * 0.7, atSecond: second))
        }
        records.append(TestData.gauge("workload_pct", 60, labels: agent("A1"), atSecond: 99))
        records.append(TestData.gauge("workload_pct", 90, labels: agent("A2"), atSecond: 99))
        records.append(TestData.gauge("workload_pct", 99, labels: agent("A3"), atSecond: 99))
        records.append(TestData.gauge("cache_hit_rate", 0.95, labels: agent("A1"), atSecond: 99))
        records.append(TestData.event("stage", ms: 3500, attributes: ["stage": "session"], atSecond: 50))
        return records
    }

    static func report(baseline: DurationSampleSet? = nil) throws -> PerformanceReport {
        var builder = ReportBuilder(rules: try RuleSet.combined(RulePacks.all), baseline: baseline)
        for record in records() { builder.add(record) }
        return builder.build()
    }

    @Test("agents get health scores, statuses and workload bands")
    func agents() throws {
        let report = try Self.report()
        #expect(report.agents.map(\.id) == ["A1", "A2", "A3"])
        let statuses = report.agents.map(\.status)
        #expect(statuses == [.healthy, .overloaded, .failing])
        #expect(report.agents[1].workloadStatus == .overloaded)
        #expect(report.agents[0].name == "Agent A1")
        #expect(report.agents[0].minutesSinceActive == 0)
        #expect(report.topPerformers.first?.id == "A1")
        #expect(report.agentsByStatus.first { $0.status == .failing }?.count == 1)
        let average = try #require(report.averageHealth)
        #expect(average == report.agents.map(\.health.score).reduce(0, +) / 3)
    }

    @Test("compliance, bottlenecks, memory trend and recommendations")
    func analyses() throws {
        let report = try Self.report()
        #expect(!report.check.passed)
        #expect(report.check.verdict == "blocked by 2 violations")
        #expect(report.pipelineHealth.status == .red)
        #expect(report.bottlenecks.first?.severity == .critical)
        #expect(report.bottlenecks.count <= 20)
        #expect(report.bottlenecks.contains { $0.subject == "agent-error-rate [agent_id=A3]" })
        let memory = try #require(report.memory)
        #expect(memory.leakSuspected)
        #expect(abs(memory.slopeMegabytesPerSecond - 0.7) < 1e-9)
        let recommendations = report.recommendations
        #expect(
            recommendations.first?.hasPrefix("Production blocked by 2 violations: session-processing, peak-memory")
                == true
        )
        #expect(recommendations.contains("1 agent is failing. Immediate action required."))
        #expect(recommendations.contains { $0.hasPrefix("Memory leak suspected") })
        #expect(recommendations.contains("33% of agents are overloaded. Consider scaling."))
    }

    @Test("a baseline adds regressions")
    func regressions() throws {
        var baseline = DurationSampleSet()
        var random = SplitMix64(seed: 3)
        for _ in 0..<300 {
            baseline.add(Event(name: "task", durationMilliseconds: Double.random(in: 1000...3000, using: &random)))
        }
        let report = try Self.report(baseline: baseline)
        #expect(report.comparison?.regressions.map(\.name) == ["task"])
        #expect(report.render(.text).contains("Regressions against the baseline"))
        #expect(report.recommendations.contains("Regressed since the baseline: task."))
    }

    @Test("text and markdown carry every section")
    func textAndMarkdown() throws {
        let report = try Self.report()
        let text = report.render(.text)
        for heading in [
            "Summary", "Top performers", "Bottlenecks", "Optimization plan", "Contract compliance", "Operations",
            "Memory trend", "Recommendations",
        ] {
            #expect(text.contains("\n\(heading)\n"), "\(heading)")
        }
        #expect(text.contains("Pipeline health: RED"))
        #expect(text.contains("Verdict: blocked by 2 violations."))
        let markdown = report.render(.markdown)
        #expect(markdown.hasPrefix("# Vitals performance report\n"))
        #expect(markdown.contains("## Top performers"))
        #expect(markdown.contains("| agent | health | status | tasks | error rate | avg duration | workload |"))
    }

    @Test("JSON parses and has the summary, agents, compliance and memory")
    func json() throws {
        let report = try Self.report()
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(report.render(.json).utf8)) as? [String: Any]
        )
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["production_ready"] as? Bool == false)
        #expect(summary["pipeline_health"] as? String == "RED")
        #expect((summary["agents_by_status"] as? [String: Any])?["failing"] as? Int == 1)
        #expect((object["agents"] as? [Any])?.count == 3)
        #expect(((object["compliance"] as? [String: Any])?["violations"] as? [Any])?.isEmpty == false)
        #expect((object["memory"] as? [String: Any])?["leak_suspected"] as? Bool == true)
        #expect(object["regressions"] is NSNull)
    }

    @Test("HTML is one self-contained page with inline CSS and SVG, no scripts and no network")
    func html() throws {
        let html = try Self.report().render(.html)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<style>"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 3)
        for forbidden in ["<script", "<link", "src=", "@import", "url("] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        #expect(html.contains("blocked by 2 violations"))
        #expect(html.contains("Agent A3 (A3)"))
        #expect(!html.contains("<tr><td>Agent <"), "labels are escaped")
    }

    @Test("an empty report renders without data")
    func empty() {
        let report = ReportBuilder(rules: []).build()
        #expect(report.render(.text).contains("No events."))
        #expect(report.recommendations == ["No rule matched any data: nothing is known about the contracts yet."])
        #expect(report.render(.html).contains("no data"), "no rule evaluated is no data, never production ready")
        #expect(!report.render(.html).contains("production ready"))
    }
}
