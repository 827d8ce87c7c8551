/// Per-provider time limits with a default, like the original `GLM_SESSION_TIMEOUT=30`,
/// `KIMI_SESSION_TIMEOUT=25`.
///
/// Provider names match case-insensitively.
///
/// ```swift
/// let policy = TimeoutPolicy(default: .seconds(60), providers: ["glm": .seconds(30), "kimi": .seconds(25)])
/// let reply = try await withTimeout(policy: policy, provider: "kimi", name: "llm_call") {
///     try await kimi.complete(prompt)
/// }
/// ```
public struct TimeoutPolicy: Sendable, Hashable {
    /// The limit for providers without their own.
    public var defaultLimit: Duration
    /// The limits by provider, keyed by lower-cased provider name.
    public private(set) var providerLimits: [String: Duration]

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - defaultLimit: The limit for providers not listed (and for calls without a provider).
    ///   - providers: Limits by provider name; names are matched case-insensitively.
    public init(default defaultLimit: Duration, providers: [String: Duration] = [:]) {
        self.defaultLimit = defaultLimit
        self.providerLimits = [:]
        for (provider, limit) in providers {
            providerLimits[provider.lowercased()] = limit
        }
    }

    /// The limit for `provider`: its own when it has one, otherwise the default.
    public func limit(for provider: String?) -> Duration {
        guard let provider else { return defaultLimit }
        return providerLimits[provider.lowercased()] ?? defaultLimit
    }

    /// Sets (or, with `nil`, removes) the limit of one provider.
    public subscript(provider: String) -> Duration? {
        get { providerLimits[provider.lowercased()] }
        set { providerLimits[provider.lowercased()] = newValue }
    }
}
