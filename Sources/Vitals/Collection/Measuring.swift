/// Times a tool call and records it as a `tool_call` event into the current collector.
///
/// A thrown error is recorded (status `error`, or `cancelled` for `CancellationError`, `timeout` for
/// ``TimeoutError``, with the error's text) and rethrown unchanged. Outside any collector the operation just runs.
///
/// ```swift
/// let output = try measureToolCall(tool: "ssh_exec") {
///     try ssh.run("uptime")
/// }
/// ```
///
/// - Parameters:
///   - tool: The tool's name.
///   - operation: The call to time.
/// - Returns: What `operation` returns.
/// - Throws: What `operation` throws.
@discardableResult
public func measureToolCall<T, Failure: Error>(
    tool: String,
    operation: () throws(Failure) -> T
) throws(Failure) -> T {
    guard let collector = EventCollector.current else { return try operation() }
    let stopwatch = EventStopwatch()
    let attributes: Attributes = [WireKey.tool: .string(tool)]
    do {
        let value = try operation()
        collector.record(stopwatch.event(name: CollectedEventName.toolCall, attributes: attributes))
        return value
    } catch {
        collector.record(stopwatch.failedEvent(name: CollectedEventName.toolCall, error: error, attributes: attributes))
        throw error
    }
}

/// Times an async tool call and records it as a `tool_call` event into the current collector.
///
/// A thrown error is recorded (status `error`, or `cancelled` for `CancellationError`, `timeout` for
/// ``TimeoutError``, with the error's text) and rethrown unchanged. Outside any collector the operation just runs.
///
/// ```swift
/// let page = try await measureToolCall(tool: "http_request") {
///     try await http.get(url)
/// }
/// ```
///
/// - Parameters:
///   - tool: The tool's name.
///   - operation: The call to time.
/// - Returns: What `operation` returns.
/// - Throws: What `operation` throws.
@discardableResult
public nonisolated(nonsending) func measureToolCall<T, Failure: Error>(
    tool: String,
    operation: nonisolated(nonsending) () async throws(Failure) -> T
) async throws(Failure) -> T {
    guard let collector = EventCollector.current else { return try await operation() }
    let stopwatch = EventStopwatch()
    let attributes: Attributes = [WireKey.tool: .string(tool)]
    do {
        let value = try await operation()
        collector.record(stopwatch.event(name: CollectedEventName.toolCall, attributes: attributes))
        return value
    } catch {
        collector.record(stopwatch.failedEvent(name: CollectedEventName.toolCall, error: error, attributes: attributes))
        throw error
    }
}

/// Times an LLM call and records it as an `llm_call` event into the current collector.
///
/// `usage` reads the token counts (and cost, when the provider reports it) from the reply. A thrown error is
/// recorded with its status and text and rethrown unchanged. Outside any collector the operation just runs.
///
/// ```swift
/// let reply = try measureLLMCall(model: "gpt-5-mini", phase: "initial") {
///     try client.complete(prompt)
/// } usage: { reply in
///     LLMUsage(promptTokens: reply.inputTokens, completionTokens: reply.outputTokens)
/// }
/// ```
///
/// - Parameters:
///   - model: The model name.
///   - phase: The worker's phase, if any.
///   - provider: The provider, if any.
///   - operation: The call to time.
///   - usage: Reads the usage from the reply; `nil` records no token counts.
/// - Returns: What `operation` returns.
/// - Throws: What `operation` throws.
@discardableResult
public func measureLLMCall<T, Failure: Error>(
    model: String,
    phase: String? = nil,
    provider: String? = nil,
    operation: () throws(Failure) -> T,
    usage: ((T) -> LLMUsage)? = nil
) throws(Failure) -> T {
    guard let collector = EventCollector.current else { return try operation() }
    let stopwatch = EventStopwatch()
    do {
        let value = try operation()
        let attributes = (usage?(value) ?? LLMUsage()).attributes(model: model, phase: phase, provider: provider)
        collector.record(stopwatch.event(name: CollectedEventName.llmCall, attributes: attributes))
        return value
    } catch {
        let attributes = LLMUsage().attributes(model: model, phase: phase, provider: provider)
        collector.record(stopwatch.failedEvent(name: CollectedEventName.llmCall, error: error, attributes: attributes))
        throw error
    }
}

/// Times an async LLM call and records it as an `llm_call` event into the current collector.
///
/// `usage` reads the token counts (and cost, when the provider reports it) from the reply. A thrown error is
/// recorded with its status and text and rethrown unchanged. Outside any collector the operation just runs.
///
/// ```swift
/// let reply = try await measureLLMCall(model: "glm-4.6", phase: "summary", provider: "glm") {
///     try await client.complete(prompt)
/// } usage: { reply in
///     LLMUsage(promptTokens: reply.inputTokens, completionTokens: reply.outputTokens)
/// }
/// ```
///
/// - Parameters:
///   - model: The model name.
///   - phase: The worker's phase, if any.
///   - provider: The provider, if any.
///   - operation: The call to time.
///   - usage: Reads the usage from the reply; `nil` records no token counts.
/// - Returns: What `operation` returns.
/// - Throws: What `operation` throws.
@discardableResult
public nonisolated(nonsending) func measureLLMCall<T, Failure: Error>(
    model: String,
    phase: String? = nil,
    provider: String? = nil,
    operation: nonisolated(nonsending) () async throws(Failure) -> T,
    usage: ((T) -> LLMUsage)? = nil
) async throws(Failure) -> T {
    guard let collector = EventCollector.current else { return try await operation() }
    let stopwatch = EventStopwatch()
    do {
        let value = try await operation()
        let attributes = (usage?(value) ?? LLMUsage()).attributes(model: model, phase: phase, provider: provider)
        collector.record(stopwatch.event(name: CollectedEventName.llmCall, attributes: attributes))
        return value
    } catch {
        let attributes = LLMUsage().attributes(model: model, phase: phase, provider: provider)
        collector.record(stopwatch.failedEvent(name: CollectedEventName.llmCall, error: error, attributes: attributes))
        throw error
    }
}
