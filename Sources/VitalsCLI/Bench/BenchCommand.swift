import ArgumentParser
import AsyncHTTPClient
import Foundation
import Vitals
import VitalsRules

/// `vitals bench`: runs an operation N times, records each run as a `tool_call` event, prints the success rate and
/// the quantiles against a latency tier, and writes the events as a baseline for `vitals compare`.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a command or fetch a URL N times and report its latency against a tier.",
        discussion: """
            vitals bench -n 50 --tier 2 -o baseline.jsonl -- ./tools/search "term"
            vitals bench -n 200 --concurrency 8 http://127.0.0.1:8080/health
            Each run is a tool_call event (tool = --name, tier = --tier) with its duration and outcome: a command \
            succeeds when it exits 0 (its output is discarded), a URL when it answers below 400; a run past \
            --timeout is killed and counts as a timeout. With --tier the tool-tiers pack's rules for that tier \
            judge the runs (p95 within the tier's range, no call past its timeout).
            Exit status: 0 when every run succeeded and the tier (if any) is met, 1 otherwise, 2 on bad input.
            """
    )

    @Option(name: .customShort("n"), help: "How many runs.")
    var runs = 10

    @Option(name: .long, help: "How many runs at once.")
    var concurrency = 1

    @Option(
        name: .long,
        help:
            "Cut a run off after this long (1s, 500ms; a bare number is seconds). Default: the tier's timeout, else 60s."
    )
    var timeout: String?

    @Option(name: .long, help: "The latency tier to judge against: 1 (< 100ms), 2 (< 5s), 3 (< 10s) or 4 (< 30s).")
    var tier: Int?

    @Option(
        name: .long,
        help: "The tool name the events are recorded under. Default: the program's name or the URL's host and path."
    )
    var name: String?

    @Option(name: .shortAndLong, help: "Write the runs as JSONL to this file (a baseline for vitals compare).")
    var output: String?

    @Argument(parsing: .captureForPassthrough, help: "A URL, or -- COMMAND [ARGUMENTS…].")
    var target: [String] = []

    func run() async throws {
        let words = target.first == "--" ? Array(target.dropFirst()) : target
        let settings = try validate(words)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        let progress = isatty(FileDescriptorWriter.standardError) == 1
        let events = await Self.runAll(settings, client: client) { done in
            if progress { CommandSupport.writeStandardError("\r\(done)/\(settings.runs)") }
        }
        if progress { CommandSupport.writeStandardError("\r\u{1B}[K") }
        try? await client.shutdown()

        let report = BenchReport(settings: settings, events: events)
        if let output {
            let encoder = JSONLEncoder()
            let lines = events.map { encoder.encode(.event($0)) + "\n" }.joined()
            try CommandSupport.emit(lines, to: output, subcommand: "bench")
        }
        try CommandSupport.emit(report.text(output: output), to: nil, subcommand: "bench")
        if !report.passed { throw ExitCode(1) }
    }

    private func validate(_ words: [String]) throws(ExitCode) -> BenchSettings {
        func bad(_ message: String) -> ExitCode { CommandSupport.badInput("bench", message) }
        guard runs >= 1, runs <= 10_000_000 else { throw bad("-n \(runs): expected 1 to 10,000,000 runs") }
        guard concurrency >= 1, concurrency <= 1_024 else {
            throw bad("--concurrency \(concurrency): expected 1 to 1,024")
        }
        var toolTier: ToolTier?
        if let tier {
            guard let known = ToolTier(tier) else { throw bad("--tier \(tier): expected 1, 2, 3 or 4") }
            toolTier = known
        }
        var limit = toolTier?.timeout ?? .seconds(60)
        if let timeout {
            guard let parsed = DurationText.parse(timeout), parsed > .zero else {
                throw bad("--timeout \(timeout): expected a duration above zero, such as 5s or 500ms")
            }
            limit = parsed
        }
        let target: BenchTarget
        switch BenchTarget.parse(words, environment: ProcessInfo.processInfo.environment) {
        case .success(let parsed): target = parsed
        case .failure(let error): throw bad(error.description)
        }
        let toolName = name ?? target.defaultName
        guard !toolName.isEmpty else { throw bad("--name: expected a non-empty name") }
        return BenchSettings(
            target: target,
            runs: runs,
            concurrency: concurrency,
            timeout: limit,
            tier: toolTier,
            name: toolName
        )
    }

    /// Runs the target `settings.runs` times, at most `settings.concurrency` at once; the events come back in the
    /// order the runs started.
    static func runAll(
        _ settings: BenchSettings,
        client: HTTPClient,
        progress: @escaping @Sendable (Int) -> Void
    ) async -> [Event] {
        var events = [Event?](repeating: nil, count: settings.runs)
        await withTaskGroup(of: (Int, Event).self) { group in
            var started = 0
            var finished = 0
            func start() {
                let index = started
                started += 1
                group.addTask {
                    let stopwatch = EventStopwatch()
                    let outcome = await settings.target.run(timeout: settings.timeout, client: client)
                    var attributes: Attributes = [WireKey.tool: .string(settings.name), "run": .int(Int64(index + 1))]
                    if let tier = settings.tier { attributes["tier"] = .int(Int64(tier.number)) }
                    let event = stopwatch.event(
                        name: "tool_call",
                        status: outcome.status,
                        error: outcome.error,
                        attributes: attributes
                    )
                    return (index, event)
                }
            }
            while started < min(settings.concurrency, settings.runs) { start() }
            while let (index, event) = await group.next() {
                events[index] = event
                finished += 1
                progress(finished)
                if started < settings.runs { start() }
            }
        }
        return events.compactMap { $0 }
    }
}

/// A validated `vitals bench` invocation.
struct BenchSettings: Sendable {
    var target: BenchTarget
    var runs: Int
    var concurrency: Int
    var timeout: Duration
    var tier: ToolTier?
    var name: String
}
