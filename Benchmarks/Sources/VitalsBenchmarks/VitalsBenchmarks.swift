import Foundation

/// Runs every benchmark group and prints one table with pass/fail against the targets.
///
/// Groups live one per file (`TrackerBenchmarks`, …): each runs its cases through the shared `Harness` and adds
/// rows and checks to the `Report`. To add a group, write `enum XBenchmarks { static func run(_:into:) }` and
/// list it below.
@main
struct VitalsBenchmarks {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        var harness = Harness()
        if arguments.contains("--quick") {
            harness = Harness(iterations: 100_000, rounds: 5, warmupRounds: 1)
        }
        print(Report.header)
        var report = Report()
        TrackerBenchmarks.run(harness, into: &report)
        let passed = report.printSummary()
        exit(passed ? 0 : 1)
    }
}
