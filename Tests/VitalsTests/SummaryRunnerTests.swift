import Foundation
import Testing
import Vitals

@Suite struct SummaryRunnerTests {
    /// A file large enough to be split into several ranges, with bad lines scattered through it.
    static func makeFile() throws -> (path: String, badLines: [Int]) {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("vitals-runner-\(UUID().uuidString).jsonl").path
        var text = ""
        var badLines: [Int] = []
        for line in 1...20_000 {
            if line % 997 == 0 {
                text += "{\"event\":\"broken\",\"duration_ms\":\n"
                badLines.append(line)
            } else if line % 1_500 == 0 {
                text += "\n"  // blank lines are counted but skipped
            } else {
                let status = line % 13 == 0 ? "error" : "ok"
                text +=
                    "{\"event\":\"op\(line % 3)\",\"duration_ms\":\(line % 500),\"status\":\"\(status)\","
                    + "\"model\":\"m\(line % 2)\",\"prompt_tokens\":\(line % 7)}\n"
            }
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, badLines)
    }

    @Test func parallelRangesGiveTheSameSummaryAsOneThread() throws {
        let (path, badLines) = try Self.makeFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let options = SummaryOptions(slowestLimit: 5, failedLimit: 7)
        let single = try SummaryRunner(options: options, parallelism: 1).run(paths: [path])
        let parallel = try SummaryRunner(options: options, parallelism: 4, minimumParallelBytes: 4_096).run(paths: [
            path
        ])
        #expect(single.summary.operations == parallel.summary.operations)
        #expect(single.summary.models == parallel.summary.models)
        #expect(single.summary.slowest == parallel.summary.slowest)
        #expect(single.summary.failed == parallel.summary.failed)
        #expect(single.summary.renderJSON() == parallel.summary.renderJSON())
        #expect(single.linesRead == 20_000)
        #expect(parallel.linesRead == 20_000)
        #expect(parallel.rejectedLines == badLines.count)
        #expect(parallel.errors.map(\.line) == badLines)
        #expect(single.errors.map(\.line) == badLines)
        #expect(parallel.errors.allSatisfy { $0.file == path })
    }

    @Test func reportsOnlyTheFirstErrorsButCountsAll() throws {
        let (path, badLines) = try Self.makeFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try SummaryRunner(parallelism: 3, maximumReportedErrors: 5, minimumParallelBytes: 4_096)
            .run(paths: [path])
        #expect(result.rejectedLines == badLines.count)
        #expect(result.errors.map(\.line) == Array(badLines.prefix(5)))
    }

    @Test func severalFilesKeepTheirOwnNamesAndLineNumbers() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vitals-runner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("a.jsonl").path
        let second = folder.appendingPathComponent("b.jsonl").path
        try "{\"event\":\"x\",\"duration_ms\":1}\n{\"event\":\"x\",\"duration_ms\":9,\"success\":false}\n"
            .write(toFile: first, atomically: true, encoding: .utf8)
        try "not json\n{\"event\":\"x\",\"duration_ms\":5}\n".write(toFile: second, atomically: true, encoding: .utf8)
        let result = try SummaryRunner().run(paths: [first, second])
        #expect(result.summary.eventCount == 3)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.file == second)
        #expect(result.errors.first?.line == 1)
        #expect(result.summary.failed.map { "\($0.file):\($0.line)" } == ["\(first):2"])
        #expect(result.summary.slowest.first?.durationMilliseconds == 9)
    }

    @Test func anUnreadableFileIsAnErrorNamingIt() {
        #expect(throws: JSONLError.self) {
            try SummaryRunner().run(paths: ["/nonexistent/vitals.jsonl"])
        }
    }
}
