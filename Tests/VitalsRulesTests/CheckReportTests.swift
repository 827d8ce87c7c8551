import Foundation
import Testing
import Vitals
import VitalsRules

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("Check report")
struct CheckReportTests {
    static func report() -> CheckReport {
        let records: [Record] =
            [
                TestData.event("stage", ms: 3500, attributes: ["stage": "session"]),
                TestData.event("stage", ms: 1500, attributes: ["stage": "init"]),
            ] + TestData.tasks(agent: "AGENT_<54>&\"", total: 10, failed: 3, ms: 10)
        let rules = RulePacks.pack(named: "pipeline")!.rules + RulePacks.pack(named: "agents")!.rules
        var evaluator = RuleEvaluator(rules: rules)
        for record in records { evaluator.add(record) }
        return CheckReport(results: evaluator.results(), eventCount: evaluator.eventCount)
    }

    @Test("verdict and exit status follow blocking violations only")
    func verdict() {
        let report = Self.report()
        #expect(!report.passed)
        #expect(report.exitStatus == 1)
        #expect(report.verdict == "blocked by 1 violation")
        #expect(report.violations.map(\.rule.name) == ["session-processing", "agent-error-rate"])
        let advisory = CheckReport(results: report.results.filter { !$0.rule.blocking })
        #expect(advisory.passed)
        #expect(advisory.exitStatus == 0)
        #expect(advisory.verdict == "production ready")
    }

    @Test("text names rule, group, value, threshold, severity and recommendation, then the verdict")
    func text() {
        let text = Self.report().render(.text)
        #expect(text.contains("VIOLATION critical (blocking): session-processing: max = 3.5s, threshold > 3s"))
        #expect(text.contains("recommendation: Profile the slowest session first"))
        #expect(text.contains("VIOLATION critical: agent-error-rate [agent_id=AGENT_<54>&\"]: error_rate = 30%"))
        #expect(text.hasSuffix("verdict: blocked by 1 violation\n"))
    }

    @Test("markdown has the verdict heading and a violations table")
    func markdown() {
        let markdown = Self.report().render(.markdown)
        #expect(markdown.hasPrefix("## Performance contracts: ❌ blocked by 1 violation"))
        #expect(markdown.contains("| critical | yes | session-processing | - | 3.5s | > 3s |"))
    }

    @Test("JSON has passed and violations with rule, severity, blocking, group, value, threshold")
    func json() throws {
        let data = Data(Self.report().render(.json).utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["passed"] as? Bool == false)
        let violations = try #require(object["violations"] as? [[String: Any]])
        #expect(violations.count == 2)
        #expect(violations[0]["rule"] as? String == "session-processing")
        #expect(violations[0]["severity"] as? String == "critical")
        #expect(violations[0]["blocking"] as? Bool == true)
        #expect(violations[0]["value"] as? Double == 3500)
        #expect(violations[0]["threshold"] as? String == "> 3s")
        #expect((violations[1]["group"] as? [String: String])?["agent_id"] == "AGENT_<54>&\"")
        #expect((object["results"] as? [Any])?.count == Self.report().results.count)
    }

    @Test("JUnit XML parses, with one test case per rule and group and a failure per violation")
    func junit() throws {
        let report = Self.report()
        let xml = report.render(.junit)
        #if canImport(FoundationXML) || os(macOS)
        let document = try XMLDocument(xmlString: xml)
        let cases = try document.nodes(forXPath: "//testcase")
        #expect(cases.count == report.results.count)
        #expect(try document.nodes(forXPath: "//testcase/failure").count == 2)
        #expect(try document.nodes(forXPath: "//testcase/skipped").count == report.noDataRules.count)
        #expect(try document.nodes(forXPath: "//testsuite").count == 2)
        let failure = try #require(try document.nodes(forXPath: "//failure[@type='critical']").first as? XMLElement)
        #expect(failure.attribute(forName: "message")?.stringValue?.contains("max = 3.5s, threshold > 3s") == true)
        #endif
        #expect(xml.contains("name=\"agent-error-rate [agent_id=AGENT_&lt;54&gt;&amp;&quot;]\""))
    }
}
