import CVitalsShims

/// What a streamed LLM reply told so far: when its first chunk came, how many chunks, how many output tokens.
///
/// ``measureLLMStream(model:phase:provider:operation:usage:)`` hands one to the operation, which calls
/// ``chunk(tokens:)`` for every chunk it receives, the `on_chunk` callback of a streaming client. Calls may come
/// from any task or thread.
public final class LLMStreamProbe: Sendable {
    struct Progress {
        var firstChunkNanoseconds: UInt64?
        var lastChunkNanoseconds: UInt64 = 0
        var chunks = 0
        var tokens = 0
        var countedTokens = false
    }

    private let progress = LockedValue(Progress())

    init() {}

    /// Counts one chunk of the reply; the first one fixes the time to first token.
    ///
    /// - Parameter tokens: The output tokens in this chunk, when the provider says; a negative count is ignored.
    public func chunk(tokens: Int? = nil) {
        let now = vitals_monotonic_ns()
        progress.withLock { progress in
            if progress.firstChunkNanoseconds == nil { progress.firstChunkNanoseconds = now }
            progress.lastChunkNanoseconds = now
            progress.chunks &+= 1
            if let tokens, tokens >= 0 {
                progress.tokens &+= tokens
                progress.countedTokens = true
            }
        }
    }

    /// How many chunks were counted so far.
    public var chunkCount: Int { progress.withLock { $0.chunks } }

    /// The streaming attributes of the call that started at `startNanoseconds` (monotonic) and ended at
    /// `endNanoseconds`: `ttft_ms` and `chunks` once a chunk came, `tokens_per_s` when the output tokens are known
    /// (`completionTokens`, else the chunks' own counts) and the reply took time after its first chunk.
    func attributes(
        startNanoseconds: UInt64,
        endNanoseconds: UInt64,
        completionTokens: Int?
    ) -> (attributes: [(String, AttributeValue)], tokens: Int?) {
        let progress = progress.withLock { $0 }
        guard let first = progress.firstChunkNanoseconds else { return ([], nil) }
        var attributes: [(String, AttributeValue)] = [
            (WireKey.timeToFirstTokenMilliseconds, .double(Double(first &- startNanoseconds) / 1_000_000)),
            (WireKey.chunks, .int(Int64(progress.chunks))),
        ]
        let tokens = completionTokens ?? (progress.countedTokens ? progress.tokens : nil)
        let end = max(endNanoseconds, progress.lastChunkNanoseconds)
        if let tokens, end > first {
            attributes.append((WireKey.tokensPerSecond, .double(Double(tokens) * 1e9 / Double(end - first))))
        }
        return (attributes, progress.countedTokens ? progress.tokens : nil)
    }
}

/// Times a streamed LLM call and records it as an `llm_call` event into the current collector, with the streaming
/// figures as attributes: `ttft_ms` (time to the first chunk), `chunks` and `tokens_per_s` (output tokens per
/// second after the first chunk). The event's duration is the whole call, last chunk included.
///
/// The operation gets an ``LLMStreamProbe`` and calls ``LLMStreamProbe/chunk(tokens:)`` for each chunk. The output
/// token count comes from `usage` when it gives one, else from the chunks' own counts. A thrown error is recorded
/// with its status and text (and the figures of the chunks that did come) and rethrown unchanged. Outside any
/// collector the operation just runs.
///
/// ```swift
/// let reply = try await measureLLMStream(model: "gpt-5-mini", provider: "openai") { probe in
///     var text = ""
///     for try await chunk in client.stream(prompt) {
///         probe.chunk(tokens: chunk.tokenCount)
///         text += chunk.text
///     }
///     return text
/// }
/// ```
///
/// - Parameters:
///   - model: The model name.
///   - phase: The worker's phase, if any.
///   - provider: The provider, if any.
///   - operation: The streamed call; it reports each chunk to the probe.
///   - usage: Reads the usage from the reply; `nil` records the chunks' token counts only.
/// - Returns: What `operation` returns.
/// - Throws: What `operation` throws.
@discardableResult
public nonisolated(nonsending) func measureLLMStream<T, Failure: Error>(
    model: String,
    phase: String? = nil,
    provider: String? = nil,
    operation: nonisolated(nonsending) (LLMStreamProbe) async throws(Failure) -> T,
    usage: ((T) -> LLMUsage)? = nil
) async throws(Failure) -> T {
    let probe = LLMStreamProbe()
    guard let collector = EventCollector.current else { return try await operation(probe) }
    let stopwatch = EventStopwatch()
    // The rate and the duration end at the same instant: tokens_per_s × (duration − ttft) is the output tokens.
    func event(_ reported: LLMUsage, failure: (any Error)? = nil) -> Event {
        var usage = reported
        let end = vitals_monotonic_ns()
        let streamed = probe.attributes(
            startNanoseconds: stopwatch.startNanoseconds,
            endNanoseconds: end,
            completionTokens: reported.completionTokens
        )
        if usage.completionTokens == nil { usage.completionTokens = streamed.tokens }
        var attributes = usage.attributes(model: model, phase: phase, provider: provider)
        for (key, value) in streamed.attributes { attributes[key] = value }
        return stopwatch.event(
            name: CollectedEventName.llmCall,
            status: failure.map(eventStatus(for:)) ?? .ok,
            error: failure.map { String(describing: $0) },
            attributes: attributes,
            endNanoseconds: end
        )
    }
    do {
        let value = try await operation(probe)
        collector.record(event(usage?(value) ?? LLMUsage()))
        return value
    } catch {
        collector.record(event(LLMUsage(), failure: error))
        throw error
    }
}
