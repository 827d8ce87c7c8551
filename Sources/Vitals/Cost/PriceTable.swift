/// Model prices in US dollars per million tokens, used to fill `cost_usd` on LLM events that lack it.
///
/// Vitals ships no prices: they change too often to be baked in. Load them from a file you keep current
/// (see `examples/prices.json`) or build the table in code.
///
/// A model is looked up exactly first, then by the longest table key that is a prefix of it, so a dated
/// snapshot such as `gpt-5-mini-2025-08-07` is priced as `gpt-5-mini`. List every model family you use: with
/// only `gpt-5` in the table, `gpt-5-mini` would be priced as `gpt-5`.
///
/// ```swift
/// let prices = try PriceTable(contentsOfFile: "prices.json")
/// prices.cost(model: "gpt-5-mini-2025-08-07", promptTokens: 1234, completionTokens: 89)  // 0.0004865
/// var event = collector.events[0]
/// prices.fillCost(&event)  // sets cost_usd from the event's model and token counts
/// ```
public struct PriceTable: Sendable, Hashable {
    /// The prices by model name.
    public private(set) var prices: [String: ModelPrice]
    /// The table's keys, longest first, for prefix lookup.
    private var keysByLength: [String]

    /// Creates a table from prices keyed by model name.
    public init(_ prices: [String: ModelPrice] = [:]) {
        self.prices = prices
        self.keysByLength = []
        reindex()
    }

    /// The price of a model name exactly as listed; setting `nil` removes it.
    public subscript(model: String) -> ModelPrice? {
        get { prices[model] }
        set {
            prices[model] = newValue
            reindex()
        }
    }

    /// The price that applies to `model`: an exact entry, else the longest key that is a prefix of `model`.
    public func price(for model: String) -> ModelPrice? {
        if let exact = prices[model] { return exact }
        for key in keysByLength where model.hasPrefix(key) {
            return prices[key]
        }
        return nil
    }

    /// The cost in USD of one call, or `nil` when the model has no price.
    ///
    /// `promptTokens` includes `cachedTokens`; see ``ModelPrice/cost(promptTokens:completionTokens:cachedTokens:)``.
    public func cost(model: String, promptTokens: Int, completionTokens: Int, cachedTokens: Int = 0) -> Double? {
        price(for: model)?.cost(
            promptTokens: promptTokens,
            completionTokens: completionTokens,
            cachedTokens: cachedTokens
        )
    }

    /// Sets `cost_usd` on an LLM event that lacks it, from its `model`, `prompt_tokens`, `completion_tokens` and
    /// `cached_tokens` attributes.
    ///
    /// Leaves the event alone when it has no string `model`, already has `cost_usd`, has neither token count,
    /// or its model has no price. A missing token count counts as zero.
    ///
    /// - Returns: Whether `cost_usd` was set.
    @discardableResult
    public func fillCost(_ event: inout Event) -> Bool {
        guard event.attributes[WireKey.costUSD] == nil,
            let model = event.attributes[WireKey.model]?.stringValue,
            let price = price(for: model)
        else { return false }
        let prompt = tokenCount(event, WireKey.promptTokens)
        let completion = tokenCount(event, WireKey.completionTokens)
        guard prompt != nil || completion != nil else { return false }
        let cost = price.cost(
            promptTokens: prompt ?? 0,
            completionTokens: completion ?? 0,
            cachedTokens: tokenCount(event, WireKey.cachedTokens) ?? 0
        )
        event.attributes[WireKey.costUSD] = .double(cost)
        return true
    }

    private func tokenCount(_ event: Event, _ key: String) -> Int? {
        guard let value = event.number(key), value.isFinite, abs(value) < 1e15 else { return nil }
        return Int(value.rounded())
    }

    private mutating func reindex() {
        keysByLength = prices.keys.sorted { ($0.utf8.count, $0) > ($1.utf8.count, $1) }
    }
}
