/// Thrown by `withTimeout` when an operation runs past its limit.
///
/// ```swift
/// do {
///     let reply = try await withTimeout(.seconds(30), name: "llm_call", provider: "glm") {
///         try await glm.complete(prompt)
///     }
/// } catch let error as TimeoutError {
///     print(error)  // llm_call (provider glm) timed out after 30s
/// }
/// ```
public struct TimeoutError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name of the operation that timed out (the event name recorded for it).
    public var name: String
    /// The provider whose limit applied, if any.
    public var provider: String?
    /// The limit that was exceeded.
    public var limit: Duration

    /// Creates a timeout error.
    public init(name: String, provider: String? = nil, limit: Duration) {
        self.name = name
        self.provider = provider
        self.limit = limit
    }

    /// `llm_call (provider glm) timed out after 30s`.
    public var description: String {
        let subject = provider.map { "\(name) (provider \($0))" } ?? name
        return "\(subject) timed out after \(Self.format(limit))"
    }

    /// Whole seconds as `30s`, anything else in milliseconds (`250ms`, `1500ms`).
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds)s" }
        let milliseconds = Double(seconds) * 1_000 + Double(attoseconds) / 1e15
        return "\(AttributeValue.format((milliseconds * 1_000).rounded() / 1_000))ms"
    }
}
