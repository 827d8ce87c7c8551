import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Vitals

#if canImport(Glibc)
import Glibc
#endif

/// What `vitals bench` runs: a command (its output discarded, success when it exits 0) or a URL fetched with GET
/// (success below status 400).
enum BenchTarget: Sendable {
    case command(executable: String, arguments: [String])
    case url(String)

    /// The outcome of one run.
    struct Outcome: Sendable {
        var status: EventStatus
        var error: String?
    }

    /// The target of `words`: one `http://` or `https://` URL, or a command whose program is found on `PATH`.
    static func parse(_ words: [String], environment: [String: String]) -> Result<BenchTarget, BenchError> {
        guard let first = words.first else {
            return .failure(BenchError("nothing to run; expected a URL, or -- COMMAND [ARGUMENTS…]"))
        }
        if words.count == 1, first.hasPrefix("http://") || first.hasPrefix("https://") {
            guard URL(string: first)?.host?.isEmpty == false else {
                return .failure(BenchError("\(first): not a URL with a host"))
            }
            return .success(.url(first))
        }
        guard let executable = resolve(first, path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") else {
            return .failure(BenchError("\(first): no such program (looked in PATH)"))
        }
        return .success(.command(executable: executable, arguments: Array(words.dropFirst())))
    }

    /// The name events are recorded under: the program's name, or the URL's host and path.
    var defaultName: String {
        switch self {
        case .command(let executable, _): return URL(fileURLWithPath: executable).lastPathComponent
        case .url(let text):
            guard let url = URL(string: text), let host = url.host else { return text }
            return host + url.path
        }
    }

    /// How the target reads in the report.
    var description: String {
        switch self {
        case .command(let executable, let arguments):
            return ([URL(fileURLWithPath: executable).lastPathComponent] + arguments).joined(separator: " ")
        case .url(let text): return "GET " + text
        }
    }

    /// Runs the target once; past `timeout` the run is cut off (a command is killed) and is a timeout.
    func run(timeout: Duration, client: HTTPClient) async -> Outcome {
        switch self {
        case .command(let executable, let arguments):
            return await Self.runCommand(executable, arguments, timeout: timeout)
        case .url(let url):
            return await Self.fetch(url, timeout: timeout, client: client)
        }
    }

    private static func fetch(_ url: String, timeout: Duration, client: HTTPClient) async -> Outcome {
        let parts = timeout.components
        let nanoseconds = parts.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let deadline = TimeAmount.nanoseconds(nanoseconds.overflow ? .max : nanoseconds.partialValue)
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: deadline)
            // The body is read (a benchmark of a page includes its transfer) and dropped.
            _ = try await response.body.collect(upTo: 64 << 20)
            let code = Int(response.status.code)
            guard code < 400 else {
                return Outcome(status: .error, error: "HTTP \(code) \(response.status.reasonPhrase)")
            }
            return Outcome(status: .ok)
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            return Outcome(status: .timeout, error: "no answer within \(BenchReport.text(timeout))")
        } catch {
            return Outcome(status: .error, error: "\(error)")
        }
    }

    private static func runCommand(_ executable: String, _ arguments: [String], timeout: Duration) async -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let (ended, finish) = AsyncStream.makeStream(of: Void.self)
        process.terminationHandler = { _ in
            finish.yield()
            finish.finish()
        }
        do {
            try process.run()
        } catch {
            return Outcome(status: .error, error: "cannot start \(executable): \(error.localizedDescription)")
        }
        let timedOut = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in ended { break }
                return false
            }
            group.addTask {
                do { try await Task.sleep(for: timeout) } catch { return false }
                return true
            }
            let first = await group.next() ?? false
            if first {
                // Cut off: killed, and the wait goes on until the child is gone, so that none is left running.
                kill(process.processIdentifier, SIGKILL)
            }
            group.cancelAll()
            await group.waitForAll()
            return first
        }
        if timedOut { return Outcome(status: .timeout, error: "killed after \(BenchReport.text(timeout))") }
        switch process.terminationReason {
        case .exit where process.terminationStatus == 0: return Outcome(status: .ok)
        case .exit: return Outcome(status: .error, error: "exit status \(process.terminationStatus)")
        case .uncaughtSignal: return Outcome(status: .error, error: "killed by signal \(process.terminationStatus)")
        @unknown default: return Outcome(status: .error, error: "ended abnormally")
        }
    }

    /// `name` itself when it contains a slash, else the first executable `name` in `path`.
    private static func resolve(_ name: String, path: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(name)"
            var info = stat()
            if access(candidate, X_OK) == 0, stat(candidate, &info) == 0, info.st_mode & S_IFMT != S_IFDIR {
                return candidate
            }
        }
        return nil
    }
}

/// A bad `vitals bench` invocation, said in one line.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
