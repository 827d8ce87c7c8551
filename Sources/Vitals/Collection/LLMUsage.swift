/// The token usage and cost of one LLM call, as a provider reports it.
///
/// `promptTokens` includes `cachedTokens` (the OpenAI convention); a ``PriceTable`` bills the cached part at the
/// cached-input rate.
///
/// ```swift
/// let usage = LLMUsage(promptTokens: 1234, completionTokens: 89, cachedTokens: 1024)
/// ```
public struct LLMUsage: Sendable, Hashable {
    /// Input tokens, cached ones included.
    public var promptTokens: Int?
    /// Output tokens.
    public var completionTokens: Int?
    /// Input tokens served from the provider's prompt cache.
    public var cachedTokens: Int?
    /// The call's cost in US dollars, when the provider reports it; otherwise a ``PriceTable`` can fill it.
    public var costUSD: Double?

    /// Creates a usage record; every field is optional.
    public init(
        promptTokens: Int? = nil,
        completionTokens: Int? = nil,
        cachedTokens: Int? = nil,
        costUSD: Double? = nil
    ) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedTokens = cachedTokens
        self.costUSD = costUSD
    }

    /// The attributes of an `llm_call` event in the seed's key order: `phase`, `model`, `provider`, token counts
    /// (with `total_tokens` when both sides are known), `cost_usd`.
    package func attributes(model: String, phase: String?, provider: String?) -> Attributes {
        var attributes = Attributes()
        attributes.reserveCapacity(8)
        if let phase { attributes.appendUnchecked(key: WireKey.phase, value: .string(phase)) }
        attributes.appendUnchecked(key: WireKey.model, value: .string(model))
        if let provider { attributes.appendUnchecked(key: WireKey.provider, value: .string(provider)) }
        if let promptTokens {
            attributes.appendUnchecked(key: WireKey.promptTokens, value: .int(Int64(promptTokens)))
        }
        if let completionTokens {
            attributes.appendUnchecked(key: WireKey.completionTokens, value: .int(Int64(completionTokens)))
        }
        if let cachedTokens {
            attributes.appendUnchecked(key: WireKey.cachedTokens, value: .int(Int64(cachedTokens)))
        }
        if let promptTokens, let completionTokens {
            attributes.appendUnchecked(key: WireKey.totalTokens, value: .int(Int64(promptTokens + completionTokens)))
        }
        if let costUSD { attributes.appendUnchecked(key: WireKey.costUSD, value: .double(costUSD)) }
        return attributes
    }
}

/// The event names the recording helpers use, matching the worker `metrics.jsonl` of the original system.
package enum CollectedEventName {
    package static let llmCall = "llm_call"
    package static let toolCall = "tool_call"
}
