/// Records an event into the collector bound to the current task (see `withEventCollector(_:operation:)`).
///
/// Outside any collector the event is dropped at the cost of one task-local read. Never throws, never does I/O.
///
/// ```swift
/// recordEvent(Event(name: "route_query", durationMilliseconds: 12.5, attributes: ["route": "kb"]))
/// ```
public func recordEvent(_ event: Event) {
    EventCollector.current?.record(event)
}

/// Records a finished LLM call as an `llm_call` event into the current collector.
///
/// The duration is `end - start`. `total_tokens` is added when both token counts are given. Outside any
/// collector nothing is built and nothing is recorded.
///
/// ```swift
/// let start = Timestamp.now()
/// let reply = try await client.complete(prompt)
/// recordLLMCall(
///     model: "gpt-5-mini", phase: "initial", start: start, end: .now(),
///     promptTokens: reply.usage.input, completionTokens: reply.usage.output
/// )
/// ```
///
/// - Parameters:
///   - model: The model name (`gpt-5-mini`).
///   - phase: The worker's phase (`initial`, `summary`, `synthesis`), if any.
///   - provider: The provider (`openai`, `glm`), if any.
///   - start: When the call started.
///   - end: When it ended.
///   - promptTokens: Input tokens, cached ones included.
///   - completionTokens: Output tokens.
///   - cachedTokens: Input tokens served from the prompt cache.
///   - costUSD: The cost in US dollars, when known.
///   - status: How the call ended; `.ok` by default.
///   - error: Why it failed, when it did.
public func recordLLMCall(
    model: String,
    phase: String? = nil,
    provider: String? = nil,
    start: Timestamp,
    end: Timestamp,
    promptTokens: Int? = nil,
    completionTokens: Int? = nil,
    cachedTokens: Int? = nil,
    costUSD: Double? = nil,
    status: EventStatus = .ok,
    error: String? = nil
) {
    guard let collector = EventCollector.current else { return }
    let usage = LLMUsage(
        promptTokens: promptTokens,
        completionTokens: completionTokens,
        cachedTokens: cachedTokens,
        costUSD: costUSD
    )
    collector.record(
        Event(
            name: CollectedEventName.llmCall,
            start: start,
            end: end,
            durationMilliseconds: max(0, end.milliseconds(since: start)),
            status: status,
            error: error,
            attributes: usage.attributes(model: model, phase: phase, provider: provider)
        )
    )
}

/// Records a finished tool call as a `tool_call` event into the current collector.
///
/// ```swift
/// let start = Timestamp.now()
/// let output = try? ssh.run("uptime")
/// recordToolCall(tool: "ssh_exec", start: start, end: .now(), success: output != nil)
/// ```
///
/// - Parameters:
///   - tool: The tool's name (`ssh_exec`, `http_request`).
///   - start: When the call started.
///   - end: When it ended.
///   - success: Whether it succeeded; `false` records status `error`.
///   - error: Why it failed, when it did.
public func recordToolCall(tool: String, start: Timestamp, end: Timestamp, success: Bool = true, error: String? = nil) {
    guard let collector = EventCollector.current else { return }
    collector.record(
        Event(
            name: CollectedEventName.toolCall,
            start: start,
            end: end,
            durationMilliseconds: max(0, end.milliseconds(since: start)),
            status: success ? .ok : .error,
            error: error,
            attributes: [WireKey.tool: .string(tool)]
        )
    )
}
