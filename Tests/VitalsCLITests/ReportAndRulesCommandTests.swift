import Foundation
import Testing

@Suite("vitals report and vitals rules", .timeLimit(.minutes(5)))
struct ReportAndRulesCommandTests {
    @Test("report writes every format; HTML is one self-contained file")
    func report() async throws {
        let folder = try TemporaryFolder()
        let data = try folder.write("run.jsonl", CheckCommandTests.blocking)
        for format in ["text", "markdown", "json"] {
            let result = try await VitalsBinary.run(["report", "--format", format, data])
            #expect(result.status == 0, "\(format): \(result.stderr)")
            #expect(result.stdout.contains("blocked by 1 violation"))
        }
        let html = folder.path("report.html")
        let result = try await VitalsBinary.run(["report", "--format", "html", "--rules", "pipeline", "-o", html, data])
        #expect(result.status == 0)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(!page.contains("<script"))
        #expect(try await VitalsBinary.run(["report"]).status == 2)
        #expect(try await VitalsBinary.run(["report", "--rules", "nope.yml", data]).status == 2)
    }

    @Test("rules list, show and validate")
    func rules() async throws {
        let list = try await VitalsBinary.run(["rules", "list"])
        #expect(list.status == 0)
        #expect(
            list.stdout.split(separator: "\n").map { String($0.prefix { $0 != " " }) } == [
                "pipeline", "agents", "supervisor", "tool-tiers",
            ]
        )
        let show = try await VitalsBinary.run(["rules", "show", "agents"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("thresholds: {medium: \"> 5%\", high: \"> 10%\", critical: \"> 20%\"}"))
        // What `show` prints is a valid rule file a user can copy and edit.
        let folder = try TemporaryFolder()
        let copy = try folder.write("agents.yml", show.stdout)
        let valid = try await VitalsBinary.run(["rules", "validate", copy])
        #expect(valid.status == 0)
        #expect(valid.stdout == "\(copy): 5 rules, valid\n")
        let broken = try folder.write(
            "broken.yml",
            show.stdout.replacingOccurrences(of: "metric: avg", with: "metric: average")
        )
        let invalid = try await VitalsBinary.run(["rules", "validate", broken])
        #expect(invalid.status == 2)
        #expect(invalid.stderr.contains("unknown metric \"average\""))
        #expect(try await VitalsBinary.run(["rules", "show", "agent"]).status == 2)
    }
}
