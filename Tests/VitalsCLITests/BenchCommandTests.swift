import Foundation
import Testing
import VitalsHTTPTestSupport
import VitalsTestSupport

/// `vitals bench` as users run it: the binary, real commands, a real HTTP server on 127.0.0.1.
@Suite("vitals bench", .timeLimit(.minutes(3)))
struct BenchCommandTests {
    func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test("runs a command N times, meets tier 1, writes a baseline that vitals compare reads")
    func tierMet() async throws {
        let folder = try TemporaryFolder()
        let baseline = folder.path("baseline.jsonl")
        let run = try await ChildProcess.run(
            VitalsBinary.url,
            ["bench", "-n", "8", "--tier", "1", "-o", baseline, "--", "true"]
        )
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("succeeded  8/8 (100.0%)"))
        #expect(run.stdout.contains("tier 1     p95 under 100.0ms, no call past 5s: met"))
        #expect(run.stdout.contains("p95 "))
        let events = try lines(baseline)
        #expect(events.count == 8)
        #expect(events.allSatisfy { $0["event"] as? String == "tool_call" && $0["tool"] as? String == "true" })
        #expect(events.map { $0["run"] as? Int } == Array(1...8))
        #expect(events.allSatisfy { $0["tier"] as? Int == 1 && $0["success"] as? Bool == true })
        let compare = try await ChildProcess.run(VitalsBinary.url, ["compare", baseline, baseline])
        #expect(compare.status == 0, "\(compare.stdout)\(compare.stderr)")
    }

    @Test("a command slower than its tier misses it: exit 1 and the pack's rule says why")
    func tierMissed() async throws {
        let run = try await ChildProcess.run(
            VitalsBinary.url,
            [
                "bench", "-n", "3", "--tier", "1", "--name", "slow_tool", "--", "sleep", "0.15",
            ]
        )
        #expect(run.status == 1)
        #expect(run.stdout.contains("as tool_call tool=slow_tool tier=1"))
        #expect(run.stdout.contains(": MISSED"))
        #expect(run.stdout.contains("miss: tier1-latency"))
    }

    @Test("a run past --timeout is killed and counted as a timeout; a failing command is an error")
    func timeoutsAndFailures() async throws {
        let folder = try TemporaryFolder()
        let output = folder.path("runs.jsonl")
        let slow = try await ChildProcess.run(
            VitalsBinary.url,
            [
                "bench", "-n", "3", "--concurrency", "3", "--timeout", "200ms", "-o", output, "--", "sleep", "30",
            ]
        )
        #expect(slow.status == 1)
        #expect(slow.stdout.contains("succeeded  0/3 (0.0%)"))
        #expect(slow.stdout.contains("failed     3 (3 timed out); first: killed after 200ms"))
        let events = try lines(output)
        #expect(events.allSatisfy { $0["status"] as? String == "timeout" })
        // Killed at the deadline, not left to sleep for 30 s.
        #expect(events.allSatisfy { ($0["duration_ms"] as? Double ?? 0) < 10_000 })

        let failing = try await ChildProcess.run(
            VitalsBinary.url,
            ["bench", "-n", "2", "--", "sh", "-c", "exit 3"]
        )
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("failed     2 (0 timed out); first: exit status 3"))
    }

    @Test("fetches a URL with concurrency; answers of 400 and above are failures")
    func url() async throws {
        let receiver = HTTPReceiver(script: [.status(503), .status(503)])
        let (failing, passing) = try await receiver.serve { port in
            let url = "http://127.0.0.1:\(port)/health"
            // On threads of their own: this process's receiver needs the concurrency pool to answer them.
            let first = try await ChildProcess.run(
                VitalsBinary.url,
                ["bench", "-n", "10", "--concurrency", "3", url]
            )
            let second = try await ChildProcess.run(
                VitalsBinary.url,
                ["bench", "-n", "20", "--concurrency", "4", url]
            )
            return (first, second)
        }
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("as tool_call tool=127.0.0.1/health"))
        #expect(failing.stdout.contains("succeeded  8/10 (80.0%)"))
        #expect(failing.stdout.contains("first: HTTP 503"))
        #expect(passing.status == 0, "\(passing.stdout)\(passing.stderr)")
        #expect(passing.stdout.contains("succeeded  20/20 (100.0%)"))
        #expect(receiver.requests.count == 30)
        #expect(receiver.requests.allSatisfy { $0.path == "/health" })
    }

    @Test(
        "bad input is one line and exit 2",
        arguments: [
            (["bench"], "nothing to run"),
            (["bench", "-n", "0", "--", "true"], "-n 0"),
            (["bench", "--concurrency", "0", "--", "true"], "--concurrency 0"),
            (["bench", "--tier", "9", "--", "true"], "--tier 9"),
            (["bench", "--timeout=-1s", "--", "true"], "--timeout -1s"),
            (["bench", "--timeout", "0", "--", "true"], "--timeout 0"),
            (["bench", "--", "no-such-program-here"], "no such program"),
            (["bench", "ftp://example.invalid/x"], "no such program"),
        ]
    )
    func badInput(arguments: [String], message: String) async throws {
        let run = try await ChildProcess.run(VitalsBinary.url, arguments)
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("vitals bench: "), "\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }
}
