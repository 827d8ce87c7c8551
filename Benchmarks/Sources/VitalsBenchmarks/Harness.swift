import CVitalsShims
import Foundation
import Synchronization

/// A minimal, dependency-free benchmark harness: warm up, run several timed rounds, keep the median round.
///
/// Each case is a closure that runs `iterations` iterations of the operation under test; the harness divides
/// the round's elapsed time by the iterations. Time is the thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), not
/// wall time, so that rounds in which the benchmark was descheduled by other work on the machine do not count
/// against it; cache misses and stalls still do. Cases compared with each other run interleaved, round by
/// round, so that they see the same machine conditions, and the median round shrugs off disturbed ones.
struct Harness {
    /// Iterations per timed round.
    var iterations: Int
    /// Timed rounds; the reported figure is their median.
    var rounds: Int
    /// Untimed rounds run first to fault in memory, train branch predictors and settle the CPU clock.
    var warmupRounds: Int

    init(iterations: Int = 200_000, rounds: Int = 21, warmupRounds: Int = 2) {
        self.iterations = iterations
        self.rounds = rounds
        self.warmupRounds = warmupRounds
    }

    /// One operation under test: `body` runs exactly the given number of iterations.
    struct Case {
        var name: String
        var body: (_ iterations: Int) -> Void
    }

    /// The per-iteration cost of one case in every timed round.
    struct Measurement {
        /// Nanoseconds per iteration, one value per round, in round order.
        var rounds: [Double]

        /// The median round.
        var median: Double { Harness.median(rounds) }

        /// The median over rounds of this case's cost divided by `other`'s in the same round.
        ///
        /// Pairing rounds cancels drift in machine load, which moves both cases of a round alike; it is the
        /// figure the pass/fail checks use.
        func ratio(to other: Measurement) -> Double {
            Harness.median(zip(rounds, other.rounds).map { $0 / $1 })
        }
    }

    /// The cost of each case, in the order given, from interleaved rounds.
    func measure(_ cases: [Case]) -> [Measurement] {
        for _ in 0..<warmupRounds {
            for benchmark in cases { benchmark.body(iterations) }
        }
        var perIteration = [[Double]](repeating: [], count: cases.count)
        for _ in 0..<rounds {
            for (position, benchmark) in cases.enumerated() {
                let start = ThreadRound.threadCPUNanoseconds()
                benchmark.body(iterations)
                let elapsed = ThreadRound.threadCPUNanoseconds() &- start
                perIteration[position].append(Double(elapsed) / Double(iterations))
            }
        }
        return perIteration.map(Measurement.init(rounds:))
    }

    /// The cost of one case.
    func measure(_ body: @escaping (_ iterations: Int) -> Void) -> Measurement {
        measure([Case(name: "", body: body)])[0]
    }

    /// Median per-iteration cost, per thread, of `threads` threads running `body` at the same time.
    ///
    /// Each thread times itself in thread CPU time (`CLOCK_THREAD_CPUTIME_ID`), so time spent descheduled on a
    /// busy machine does not count, while time stalled on a cache line another core owns does. The result also
    /// reports how much the threads' wall-clock runs overlapped in the median round: contention can only show
    /// when they really ran together.
    func perThreadNanoseconds(
        threads: Int,
        _ body: @escaping @Sendable (_ iterations: Int) -> Void
    ) -> (nanoseconds: Double, overlap: Double) {
        for _ in 0..<warmupRounds { _ = ThreadRound.run(threads: threads, iterations: iterations, body) }
        var results: [(Double, Double)] = []
        for _ in 0..<rounds {
            let round = ThreadRound.run(threads: threads, iterations: iterations, body)
            results.append((round.cpuNanoseconds / Double(iterations), round.overlap))
        }
        results.sort { $0.0 < $1.0 }
        return results[results.count / 2]
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}

/// One round of several threads started together behind a spin barrier.
enum ThreadRound {
    struct Result {
        /// Mean thread CPU time per thread.
        var cpuNanoseconds: Double
        /// Fraction of the longest thread's wall time during which all threads were running.
        var overlap: Double
    }

    final class Shared: Sendable {
        let arrived = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        let results: Mutex<[(cpu: UInt64, start: UInt64, end: UInt64)]> = Mutex([])
    }

    static func run(threads: Int, iterations: Int, _ body: @escaping @Sendable (Int) -> Void) -> Result {
        let shared = Shared()
        for _ in 0..<threads {
            let thread = Thread {
                shared.arrived.wrappingAdd(1, ordering: .acquiringAndReleasing)
                while shared.arrived.load(ordering: .acquiring) < threads {}
                let wallStart = vitals_monotonic_ns()
                let cpuStart = threadCPUNanoseconds()
                body(iterations)
                let cpu = threadCPUNanoseconds() &- cpuStart
                let wallEnd = vitals_monotonic_ns()
                shared.results.withLock { $0.append((cpu, wallStart, wallEnd)) }
                shared.finished.wrappingAdd(1, ordering: .releasing)
            }
            thread.start()
        }
        while shared.finished.load(ordering: .acquiring) < threads {
            usleep(1_000)
        }
        let results = shared.results.withLock { $0 }
        let cpu = Double(results.reduce(0) { $0 + $1.cpu }) / Double(results.count)
        let latestStart = results.map(\.start).max()!
        let earliestEnd = results.map(\.end).min()!
        let longest = results.map { $0.end - $0.start }.max()!
        let together = earliestEnd > latestStart ? earliestEnd - latestStart : 0
        return Result(cpuNanoseconds: cpu, overlap: Double(together) / Double(max(1, longest)))
    }

    static func threadCPUNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}

/// Keeps a value alive in the optimiser's eyes, so that the work producing it is not removed.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// The rows and pass/fail checks of one benchmark run, printed as a table at the end.
struct Report {
    struct Row {
        var name: String
        var nanoseconds: Double
        /// What the ratio column is relative to, e.g. "floor".
        var ratioTo: (name: String, nanoseconds: Double)?
        var note: String = ""
    }

    struct Check {
        var description: String
        var measured: Double
        var limit: Double
        /// True when `measured` must be at most `limit`; false when at least.
        var atMost: Bool
        var passed: Bool { atMost ? measured <= limit : measured >= limit }
    }

    private(set) var rows: [Row] = []
    private(set) var checks: [Check] = []
    private var nanosecondsByName: [String: Double] = [:]

    /// Adds a row and prints it at once, so that long runs show progress.
    mutating func add(_ name: String, nanoseconds: Double, ratioTo reference: String? = nil, note: String = "") {
        let ratioTo = reference.flatMap { name in nanosecondsByName[name].map { (name, $0) } }
        let row = Row(name: name, nanoseconds: nanoseconds, ratioTo: ratioTo, note: note)
        rows.append(row)
        nanosecondsByName[name] = nanoseconds
        print(Self.format(row))
    }

    /// The ns/op of a row added before.
    func nanoseconds(_ name: String) -> Double? { nanosecondsByName[name] }

    /// Adds a target: `measured` must be at most (or at least) `limit`.
    mutating func check(_ description: String, measured: Double, atMost limit: Double) {
        checks.append(Check(description: description, measured: measured, limit: limit, atMost: true))
    }

    /// Adds a target: `measured` must be at least `limit`.
    mutating func check(_ description: String, measured: Double, atLeast limit: Double) {
        checks.append(Check(description: description, measured: measured, limit: limit, atMost: false))
    }

    static let header = "case".padding(toLength: 44, withPad: " ", startingAt: 0) + "      ns/op   ratio"

    static func format(_ row: Row) -> String {
        var line = row.name.padding(toLength: 44, withPad: " ", startingAt: 0)
        line += String(format: "%11.1f", row.nanoseconds)
        if let reference = row.ratioTo {
            line += String(format: "  %5.2fx ", row.nanoseconds / reference.nanoseconds) + reference.name
        }
        if !row.note.isEmpty { line += "  (\(row.note))" }
        return line
    }

    /// Prints the full table and the checks; returns whether every check passed.
    func printSummary() -> Bool {
        print("\n" + Self.header)
        print(String(repeating: "-", count: Self.header.count + 10))
        for row in rows { print(Self.format(row)) }
        print("")
        for check in checks {
            let relation = check.atMost ? "<=" : ">="
            print(
                (check.passed ? "PASS  " : "FAIL  ") + check.description
                    + String(format: ": %.2f (target ", check.measured) + relation
                    + String(format: " %.2f)", check.limit)
            )
        }
        return checks.allSatisfy(\.passed)
    }
}
