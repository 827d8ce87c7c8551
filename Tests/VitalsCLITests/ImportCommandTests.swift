import Foundation
import Testing

@Suite(.timeLimit(.minutes(5))) struct ImportCommandTests {
    /// Lines stamped a minute ago, so that `--since 1h` covers them.
    static func lines() -> [String] {
        let formatter = ISO8601DateFormatter()
        let stamp = formatter.string(from: Date().addingTimeInterval(-60))
        return [
            #"{"event":"llm_call","model":"m1","duration_ms":120,"ts":"\#(stamp)","agent_id":"a1","prompt_tokens":10}"#,
            "{not json",
            #"{"event":"llm_call","model":"m1","duration_ms":300,"ts":"\#(stamp)","agent_id":"a2","success":false,"error":"boom"}"#,
            #"{"metric":"queue_depth","value":4,"ts":"\#(stamp)"}"#,
            #"{"event":"tool_call","tool":"search","duration_ms":5,"ts":"\#(stamp)"}"#,
        ]
    }

    @Test func importsGoodLinesReportsBadOnesAndSummarisesFromTheStore() async throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("metrics.jsonl", Self.lines().joined(separator: "\n") + "\n")
        let database = folder.path("vitals.db")
        let imported = try await VitalsBinary.run(["import", path, "--database", database])
        #expect(imported.status == 1)
        #expect(imported.stdout.contains("4 accepted (3 events, 1 samples), 1 rejected"))
        #expect(imported.stderr.contains("\(path):2:"))

        let fromStore = try await VitalsBinary.run(["summary", "--database", database, "--since", "1h"])
        #expect(fromStore.status == 0)
        let fromFile = try await VitalsBinary.run(["summary", path])
        // Same tables; only the references differ (the database and event ids instead of file and line).
        let storeTable = fromStore.stdout.components(separatedBy: "\n\n").dropFirst().first
        let fileTable = fromFile.stdout.components(separatedBy: "\n\n").dropFirst().first
        #expect(storeTable != nil && storeTable == fileTable)
        #expect(fromStore.stdout.contains("\(database):2"))
    }

    @Test func aMissingFileOrAnUnusableDatabaseIsOneLineAndExitTwo() async throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("metrics.jsonl", Self.lines()[0] + "\n")
        let missing = try await VitalsBinary.run([
            "import", path, folder.path("absent.jsonl"), "--database", folder.path("v.db"),
        ])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("absent.jsonl"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("v.db")))

        let notDatabase = try folder.write("notes.db", "just text\n")
        let corrupt = try await VitalsBinary.run(["import", path, "--database", notDatabase])
        #expect(corrupt.status == 2)
        #expect(corrupt.stderr.split(separator: "\n").count == 1)
        #expect(corrupt.stderr.contains("notes.db"))
        #expect(try String(contentsOfFile: notDatabase, encoding: .utf8) == "just text\n")

        let unreachable = try await VitalsBinary.run([
            "import", path, "--database", "postgres://vitals@127.0.0.1:9/vitals",
        ])
        #expect(unreachable.status == 2)
        #expect(unreachable.stderr.contains("127.0.0.1:9"))
    }
}
