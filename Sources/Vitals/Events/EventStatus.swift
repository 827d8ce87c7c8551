/// How an operation ended.
///
/// On the wire this is `"success": true/false` or `"status": "ok" | "error" | "timeout" | "cancelled"`.
public enum EventStatus: String, Sendable, Hashable, CaseIterable {
    /// The operation succeeded.
    case ok
    /// The operation failed; `Event.error` usually says why.
    case error
    /// The operation ran past its deadline and was abandoned.
    case timeout
    /// The operation was cancelled before it finished.
    case cancelled

    /// Whether the operation counts as failed in error rates (everything except `.ok`).
    public var isFailure: Bool { self != .ok }
}
