import Foundation
import Testing
import VitalsTestSupport

/// `examples/worker`: what its README says it shows, from the built program.
@Suite("examples/worker", .timeLimit(.minutes(3)))
struct ExampleWorkerTests {
    static var program: URL {
        VitalsBinary.url.deletingLastPathComponent().appendingPathComponent("vitals-example-worker")
    }

    @Test("100 concurrent workers: each result ends with its execution time, each file holds its own events only")
    func hundredWorkers() async throws {
        let folder = try TemporaryFolder()
        let directory = folder.path("workers")
        let run = try await ChildProcess.run(
            Self.program,
            ["--workers", "100", "--directory", directory],
            timeLimit: .seconds(120)
        )
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Result from worker job 1 (worker 2025-12-15T04-08-08_"))
        #expect(run.stdout.contains("tier 1: every result ends with its execution time (100 of 100)"))
        #expect(run.stdout.contains("lines of another worker: 0"))

        let workers = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(workers.count == 100)
        var events = 0
        for worker in workers {
            let result = try String(contentsOfFile: "\(directory)/\(worker)/result.txt", encoding: .utf8)
            #expect(
                result.range(of: #"^Execution time: \d+ms\n\nThe result is \d+\.$"#, options: .regularExpression)
                    != nil,
                "\(result)"
            )
            let lines = try String(contentsOfFile: "\(directory)/\(worker)/metrics.jsonl", encoding: .utf8)
                .split(separator: "\n")
            events += lines.count
            // The original's keys in the original's order, after the event and this worker's id.
            let first = try #require(lines.first)
            let prefix =
                #"{"event":"llm_call","worker_id":"\#(worker)","phase":"initial","model":"gpt-5-mini","start_ts":""#
            #expect(first.hasPrefix(prefix), "\(first)")
            let tail = try #require(first.range(of: #","duration_ms":"#)).upperBound
            let keys = first[tail...].split(separator: ",").map { $0.split(separator: ":").first ?? "" }
            #expect(
                keys.dropFirst() == [#""prompt_tokens""#, #""completion_tokens""#, #""total_tokens""#, #""success""#],
                "\(first)"
            )
            #expect(first.hasSuffix(#""success":true}"#))
            for line in lines {
                #expect(line.contains(#""worker_id":"\#(worker)""#), "cross-talk in \(worker): \(line)")
            }
        }
        #expect(run.stdout.contains("workers: 100, events: \(events),"))

        // Tier 3: one grep-able line per call, each naming its worker.
        let logLines = run.stderr.split(separator: "\n")
        #expect(logLines.filter { $0.contains("llm_call_complete phase=") }.count == 200)
        #expect(logLines.filter { $0.contains("_complete ") }.count == events)
        #expect(
            logLines.contains {
                $0.contains("tool_call_complete tool=") && $0.contains("status=error")
                    && $0.contains("connection refused")
            }
        )

        // The same seed gives the same work.
        let again = try await ChildProcess.run(
            Self.program,
            ["--workers", "100", "--directory", folder.path("again")],
            timeLimit: .seconds(120)
        )
        #expect(again.stdout.contains("workers: 100, events: \(events),"))
    }

    @Test("an unwritable directory: every worker still finishes with its execution time; the failure is said")
    func unwritable() async throws {
        let folder = try TemporaryFolder()
        let blocker = try folder.write("not-a-folder", "")
        let run = try await ChildProcess.run(
            Self.program,
            ["--workers", "10", "--directory", blocker + "/workers"],
            timeLimit: .seconds(120)
        )
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("tier 1: every result ends with its execution time (10 of 10)"))
        #expect(
            run.stdout.contains(
                "metrics.jsonl not written for 10 workers (cannot create directory \(blocker): it exists and is not a directory)"
            )
        )
        #expect(run.stderr.contains("metrics write failed; events kept in memory"))
    }
}
