import ArgumentParser
import Dispatch
import Foundation
import Synchronization
import VitalsPush

/// `vitals push FILE…|- --server URL [--follow]`: sends JSONL events and gauge samples to a Vitals server.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Send JSONL events and gauge samples to a Vitals server (POST /v1/events).",
        discussion: """
            Lines are sent in batches, gzip-compressed, retried with backoff while the server is unreachable or \
            overloaded; a batch the server acknowledged is never sent twice. With --follow the last file is \
            watched for appended lines until SIGINT or SIGTERM, which send what was read and stop.

            Exit status: 0 when every line was sent (lines the server rejected are listed on standard error), \
            1 when the server could not be reached, refused the requests or the push was interrupted, \
            2 for bad arguments or unreadable files.
            """
    )

    @Argument(help: "JSONL files to send, in order; - reads standard input.")
    var files: [String]

    @Option(help: "The server's base URL (default: $VITALS_SERVER, else http://127.0.0.1:8080).")
    var server: String?

    @Option(help: "Bearer token for the server (default: $VITALS_TOKEN).")
    var token: String?

    @Option(help: "Lines per request.")
    var batchSize: Int = 1_000

    @Flag(help: "Send bodies uncompressed.")
    var noGzip = false

    @Flag(help: "Keep sending the lines appended to the last file until interrupted.")
    var follow = false

    func run() async throws {
        var settings = PushConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
        if let server { settings.serverURL = server }
        if let token { settings.token = token }
        settings.batchSize = batchSize
        settings.gzip = !noGzip

        let showsProgress = isatty(STDERR_FILENO) != 0
        let started = ContinuousClock.now
        let client = PushClient(configuration: settings)
        let push = Task { [files, follow] in
            try await client.push(files: files, follow: follow) { report in
                guard showsProgress else { return }
                CommandSupport.writeStandardError(Self.progressLine(report, since: started))
            }
        }
        let signals = Self.stopOnSignals(push)
        defer { signals.forEach { $0.cancel() } }

        let report: PushReport
        do {
            report = try await push.value
        } catch let error as PushError {
            if showsProgress { CommandSupport.writeStandardError("\r\u{1B}[K") }
            if let sent = error.report { Self.printRejections(sent) }
            CommandSupport.printError("vitals push: \(error.message)")
            if let sent = error.report, sent.batches > 0 {
                CommandSupport.printError("vitals push: \(Self.summary(sent, server: settings.serverURL))")
            }
            switch error.code {
            case .invalidConfiguration, .unreadableInput: throw ExitCode(CommandSupport.badInputStatus)
            default: throw ExitCode(1)
            }
        }
        if showsProgress { CommandSupport.writeStandardError("\r\u{1B}[K") }
        Self.printRejections(report)
        print(Self.summary(report, server: settings.serverURL))
        if report.interrupted {
            CommandSupport.printError("vitals push: interrupted before the end of the input")
            throw ExitCode(1)
        }
    }

    /// Turns the first SIGINT or SIGTERM into cancelling the push (which sends what it read, then returns),
    /// and a second one into exiting at once.
    static func stopOnSignals(_ push: Task<PushReport, any Error>) -> [any DispatchSourceSignal] {
        let stopping = LockedFlag()
        return [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if stopping.set() { Foundation.exit(130) }
                push.cancel()
            }
            source.resume()
            return source
        }
    }

    static func progressLine(_ report: PushReport, since start: ContinuousClock.Instant) -> String {
        let elapsed = max(0.001, (ContinuousClock.now - start) / .seconds(1))
        let rate = Int((Double(report.linesSent) / elapsed).rounded())
        let retries = report.retries > 0 ? ", \(report.retries) retries" : ""
        return "\r\(report.linesSent) lines sent, \(report.accepted) accepted, \(report.rejectedCount) rejected, "
            + "\(rate) lines/s\(retries)\u{1B}[K"
    }

    static func summary(_ report: PushReport, server: String) -> String {
        var text =
            "sent \(report.linesSent) lines in \(report.batches) batches to \(server): \(report.accepted) accepted, "
            + "\(report.rejectedCount) rejected"
        if report.overflowed > 0 { text += ", \(report.overflowed) into overflow series" }
        if report.retries > 0 { text += ", \(report.retries) retries" }
        return text
    }

    /// The first 20 rejected lines as `FILE:LINE: reason`, then how many more there were.
    static func printRejections(_ report: PushReport) {
        let shown = report.rejections.prefix(20)
        for rejection in shown { CommandSupport.printError(rejection.description) }
        if report.rejectedCount > shown.count {
            CommandSupport.printError("… and \(report.rejectedCount - shown.count) more rejected lines")
        }
    }
}

/// A flag set once, from any thread; `set()` tells whether it was already set.
private final class LockedFlag: Sendable {
    private let value = Mutex(false)

    func set() -> Bool {
        value.withLock { value in
            defer { value = true }
            return value
        }
    }
}
