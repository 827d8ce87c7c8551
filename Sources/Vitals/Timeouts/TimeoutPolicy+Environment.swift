extension TimeoutPolicy {
    /// The suffix of the per-provider variables: `GLM_SESSION_TIMEOUT=30` sets the `glm` limit to 30 s.
    public static let environmentSuffix = "_SESSION_TIMEOUT"

    /// Applies the original system's per-provider variables: every `<PROVIDER>_SESSION_TIMEOUT` holding a
    /// number of seconds (fractions allowed) sets that provider's limit; other variables are ignored.
    ///
    /// ```swift
    /// var policy = TimeoutPolicy(default: .seconds(60))
    /// try policy.apply(environment: ProcessInfo.processInfo.environment)
    /// // GLM_SESSION_TIMEOUT=30 KIMI_SESSION_TIMEOUT=25 → glm 30 s, kimi 25 s
    /// ```
    ///
    /// - Parameter environment: The variables, usually the process environment.
    /// - Throws: ``TimeoutPolicyError`` naming the first variable (in name order) that is not a positive number.
    public mutating func apply(environment: [String: String]) throws(TimeoutPolicyError) {
        for (variable, value) in environment.sorted(by: { $0.key < $1.key }) {
            guard variable.hasSuffix(Self.environmentSuffix), variable.count > Self.environmentSuffix.count else {
                continue
            }
            let provider = String(variable.dropLast(Self.environmentSuffix.count))
            let trimmed = value.filter { !$0.isWhitespace }
            guard let seconds = Double(trimmed), seconds.isFinite, seconds > 0, seconds < 1e9 else {
                throw TimeoutPolicyError(code: .invalidValue, variable: variable, value: value)
            }
            self[provider] = .nanoseconds(Int64((seconds * 1e9).rounded()))
        }
    }
}
