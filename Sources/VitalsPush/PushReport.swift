/// What a push did: batches and lines sent, what the server accepted and rejected, how often it retried.
///
/// The same value reports progress while the push runs and the outcome when it ends.
///
/// ```swift
/// let report = try await client.push(files: ["metrics.jsonl"])
/// for rejection in report.rejections { print(rejection) }  // metrics.jsonl:7: missing field "event"
/// ```
public struct PushReport: Sendable, Hashable {
    /// Batches the server acknowledged with a 2xx.
    public var batches = 0
    /// Lines in those batches.
    public var linesSent = 0
    /// Lines the server stored.
    public var accepted = 0
    /// Lines rejected, by the server or locally (too long to send); may exceed ``rejections``' count.
    public var rejectedCount = 0
    /// The first rejected lines, each with its file and line number (at most
    /// ``PushConfiguration/maximumRejectionsKept``).
    public var rejections: [PushRejection] = []
    /// Lines the server stored in its `__overflow__` series because a series cap was reached.
    public var overflowed = 0
    /// Requests sent again after a 429, a 503, a connection error or a timeout.
    public var retries = 0
    /// Whether the push stopped, because its task was cancelled, before reaching the end of its input
    /// (following a file ends that way normally and does not set it).
    public var interrupted = false

    /// An empty report.
    public init() {}
}

/// A line that was not stored, with where it came from.
public struct PushRejection: Sendable, Hashable, CustomStringConvertible {
    /// The file it came from, `-` for standard input.
    public var file: String
    /// Its 1-based line number in that file.
    public var line: Int
    /// Why it was rejected, in the server's words or ours.
    public var reason: String

    /// Creates a rejection.
    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `FILE:LINE: reason`.
    public var description: String { "\(file):\(line): \(reason)" }
}
