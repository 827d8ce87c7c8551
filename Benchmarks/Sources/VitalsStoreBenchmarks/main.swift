// Store benchmarks. Run in release mode:
//
//   swift run -c release VitalsStoreBenchmarks
//       [ingest|server|otlp|large|large-postgres|drill|drill-sqlite|drill-postgres|all]
//       [--events N] [--large-events N] [--server-events N] [--otlp-events N] [--runs N] [--keep PATH]
//
// --keep PATH: the large benchmark's SQLite file is kept at PATH; when PATH exists, its ingest is skipped and only
// the queries run (for profiling them without waiting minutes for the data). With large-postgres, --keep keeps the
// schema bench_large the same way (no PATH).
//
// drill: drill-down (slowest and newest failed events) and stats grouped by agent over the last 24 h of the large
// workload, SQLite then PostgreSQL; --keep PATH as above (a copy of the large benchmark's kept file serves), and
// PostgreSQL's schema bench_drill is kept too. drill-sqlite and drill-postgres run one backend; --runs N runs each
// query N times (default 100).
//
// PostgreSQL cases run when VITALS_TEST_POSTGRES_URL is set (scripts/postgres run -- … starts a server).
import Foundation

let arguments = CommandLine.arguments.dropFirst()
if arguments.first == "serve-child", let database = arguments.dropFirst().first {
    try await ServerBenchmarks.serveChild(database: database)
    exit(0)
}
let mode = arguments.first { !$0.hasPrefix("--") } ?? "all"
let modes = ["ingest", "server", "otlp", "large", "large-postgres", "drill", "drill-sqlite", "drill-postgres", "all"]
guard modes.contains(mode), !arguments.contains("--help") else {
    print("usage: VitalsStoreBenchmarks [\(modes.joined(separator: "|"))] [--events N] [--large-events N] [--runs N]")
    print("       [--server-events N] [--otlp-events N] [--keep [PATH]] (see the comment at the top of main.swift)")
    exit(arguments.contains("--help") ? 0 : 2)
}
func option(_ name: String, default value: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.endIndex else { return value }
    return Int(arguments[index + 1]) ?? value
}
let ingestEvents = option("--events", default: 300_000)
let largeEvents = option("--large-events", default: 10_000_000)
let serverEvents = option("--server-events", default: 1_000_000)
let otlpEvents = option("--otlp-events", default: 300_000)
let postgresURL = ProcessInfo.processInfo.environment["VITALS_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
let directory = NSTemporaryDirectory() + "vitals-store-bench-\(UUID().uuidString)"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

func report(_ lines: [String]) {
    for line in lines { print(line) }
}

if mode == "ingest" || mode == "all" {
    report(try await IngestBenchmarks.sqlite(events: ingestEvents, directory: directory))
    if let postgresURL { report(try await IngestBenchmarks.postgres(events: ingestEvents, url: postgresURL)) }
}
if mode == "server" || mode == "all" {
    report(try await ServerBenchmarks.run(events: serverEvents, directory: directory))
}
if mode == "otlp" || mode == "all" {
    report(try await OTLPBenchmark.run(events: otlpEvents, directory: directory))
}
if mode == "large" || mode == "all" {
    let keep = arguments.firstIndex(of: "--keep").flatMap { $0 + 1 < arguments.endIndex ? arguments[$0 + 1] : nil }
    report(try await LargeBenchmark.sqlite(events: largeEvents, directory: directory, keep: keep))
}
let keepPath = arguments.firstIndex(of: "--keep").flatMap { $0 + 1 < arguments.endIndex ? arguments[$0 + 1] : nil }
if mode == "drill" || mode == "drill-sqlite" {
    report(try await DrillDownBenchmark.sqlite(events: largeEvents, directory: directory, keep: keepPath))
}
if mode == "drill" || mode == "drill-postgres", let postgresURL {
    report(
        try await DrillDownBenchmark.postgres(events: largeEvents, url: postgresURL, keep: arguments.contains("--keep"))
    )
}
if mode == "large-postgres" || (mode == "all" && postgresURL != nil), let postgresURL {
    report(try await LargeBenchmark.postgres(events: largeEvents, url: postgresURL, keep: arguments.contains("--keep")))
}
if postgresURL == nil { print("PostgreSQL cases skipped: VITALS_TEST_POSTGRES_URL is not set") }
