import Foundation

/// Runs the benchmark groups and prints one table with pass/fail against the targets.
///
/// Groups live one per file (`TrackerBenchmarks`, …): each runs its cases through the shared `Harness` and adds
/// rows and checks to the `Report`. To add a group, write `enum XBenchmarks { static func run(_:into:) }` and
/// list it in `groups`.
///
/// Usage: `VitalsBenchmarks [--quick] [--group NAME]…` — `--quick` runs fewer, shorter rounds (a smoke test,
/// not a measurement); `--group` runs only the named groups. Exits with status 1 when a check fails.
@main
struct VitalsBenchmarks {
    static var groups: [(name: String, run: (Harness, inout Report) -> Void)] {
        [
            ("tracker", { TrackerBenchmarks.run($0, into: &$1) }),
            ("sketch", { SketchBenchmarks.run($0, into: &$1) }),
            ("summary", { SummaryBenchmarks.run($0, into: &$1) }),
            ("check", { CheckBenchmarks.run($0, into: &$1) }),
            ("exposition", { ExpositionBenchmarks.run($0, into: &$1) }),
            ("integrations", { IntegrationBenchmarks.run($0, into: &$1) }),
        ]
    }

    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        var harness = Harness()
        var selected: Set<String> = []
        var position = 0
        while position < arguments.count {
            switch arguments[position] {
            case "--quick":
                harness = Harness(iterations: 100_000, rounds: 5, warmupRounds: 1)
            case "--group" where position + 1 < arguments.count:
                position += 1
                selected.insert(arguments[position])
            default:
                let names = groups.map(\.name).joined(separator: ", ")
                print("usage: VitalsBenchmarks [--quick] [--group NAME]…  (groups: \(names))")
                exit(2)
            }
            position += 1
        }
        print(Report.header)
        var report = Report()
        for group in groups where selected.isEmpty || selected.contains(group.name) {
            group.run(harness, &report)
        }
        let passed = report.printSummary()
        exit(passed ? 0 : 1)
    }
}
