/// What one model costs, in US dollars per million tokens.
///
/// ```swift
/// let price = ModelPrice(input: 0.25, output: 2.0, cachedInput: 0.025)
/// price.cost(promptTokens: 1234, completionTokens: 89)  // 0.0004865
/// ```
public struct ModelPrice: Sendable, Hashable {
    /// USD per million uncached input tokens.
    public var input: Double
    /// USD per million output tokens.
    public var output: Double
    /// USD per million cached input tokens; `nil` bills cached tokens at the ``input`` rate.
    public var cachedInput: Double?

    /// Creates a price.
    ///
    /// - Parameters:
    ///   - input: USD per million uncached input tokens.
    ///   - output: USD per million output tokens.
    ///   - cachedInput: USD per million cached input tokens; `nil` for the input rate.
    public init(input: Double, output: Double, cachedInput: Double? = nil) {
        self.input = input
        self.output = output
        self.cachedInput = cachedInput
    }

    /// The cost in USD of a call with these token counts.
    ///
    /// `promptTokens` includes `cachedTokens` (the OpenAI convention): the cached part is billed at the cached
    /// rate and the rest at the input rate. Negative counts count as zero, and cached tokens beyond the prompt
    /// count are capped at the prompt count.
    public func cost(promptTokens: Int, completionTokens: Int, cachedTokens: Int = 0) -> Double {
        let prompt = Double(Swift.max(0, promptTokens))
        let cached = Swift.min(Double(Swift.max(0, cachedTokens)), prompt)
        let completion = Double(Swift.max(0, completionTokens))
        let perMillion = (prompt - cached) * input + cached * (cachedInput ?? input) + completion * output
        return perMillion / 1_000_000
    }
}
