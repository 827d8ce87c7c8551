import Foundation
import Testing
import VitalsTestSupport

/// `examples/pipeline`: what its README says it shows, from the built program.
@Suite("examples/pipeline", .timeLimit(.minutes(3)))
struct ExamplePipelineTests {
    static var program: URL {
        VitalsBinary.url.deletingLastPathComponent().appendingPathComponent("vitals-example-pipeline")
    }
    static let contracts = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/pipeline/contracts.yml").path

    @Test("a good run is production ready; a degraded, leaking one is blocked, regressed and suspected of a leak")
    func goodThenDegraded() async throws {
        let folder = try TemporaryFolder()
        let good = try await ChildProcess.run(
            Self.program,
            ["--directory", folder.path("good"), "--rules", Self.contracts],
            timeLimit: .seconds(120)
        )
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("verdict: production ready"))
        #expect(good.stdout.contains("Pipeline health: GREEN"))
        #expect(good.stdout.contains("Leak suspected: no."))
        #expect(good.stdout.contains("adaptive sampling: 5000 queue_poll events counted, "))
        #expect(!good.stdout.contains(", 0 not kept raw"), "the burst is past the raw-event budget")
        // The monitor's own overhead is measured and within its 1 ms contract.
        let overhead = good.stdout.split(separator: "\n").first { $0.hasPrefix("monitoring-overhead ") }
        #expect(overhead?.contains("passed") == true, "\(overhead ?? "none")")
        let html = try String(contentsOfFile: folder.path("good/report.html"), encoding: .utf8)
        #expect(html.contains("<html") && html.contains("Pipeline run (seed 1)"))

        // The same file gated by `vitals check`, as CI would.
        let check = try await ChildProcess.run(
            VitalsBinary.url,
            ["check", "--rules", Self.contracts, folder.path("good/run.jsonl")]
        )
        #expect(check.status == 0, "\(check.stdout)")

        let bad = try await ChildProcess.run(
            Self.program,
            [
                "--directory", folder.path("bad"), "--rules", Self.contracts, "--degraded", "--leak", "--seed", "2",
                "--baseline", folder.path("good/run.jsonl"),
            ],
            timeLimit: .seconds(120)
        )
        #expect(bad.status == 1, "\(bad.stdout)\(bad.stderr)")
        #expect(bad.stdout.contains("VIOLATION critical (blocking): session-processing: max = 3.4s, threshold > 3s"))
        #expect(bad.stdout.contains("verdict: blocked by 1 violation"))
        #expect(bad.stdout.contains("Verdict: regressed: stage."))
        #expect(bad.stdout.contains("Leak suspected: yes."))
        #expect(
            try await ChildProcess.run(
                VitalsBinary.url,
                ["check", "--rules", Self.contracts, folder.path("bad/run.jsonl")]
            ).status == 1
        )
    }
}
