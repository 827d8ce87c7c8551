/// The key names of the JSONL wire format (see DESIGN.md, "Wire format").
public enum WireKey {
    public static let event = "event"
    public static let metric = "metric"
    public static let value = "value"
    public static let startTimestamp = "start_ts"
    public static let endTimestamp = "end_ts"
    public static let timestamp = "ts"
    public static let durationMilliseconds = "duration_ms"
    public static let success = "success"
    public static let status = "status"
    public static let error = "error"
    public static let traceID = "trace_id"
    public static let spanID = "span_id"
    public static let parentSpanID = "parent_span_id"

    public static let service = "service"
    public static let agentID = "agent_id"
    public static let agentName = "agent_name"
    public static let agentDomain = "agent_domain"
    public static let workerID = "worker_id"

    public static let model = "model"
    public static let provider = "provider"
    public static let tool = "tool"
    public static let phase = "phase"
    public static let promptTokens = "prompt_tokens"
    public static let completionTokens = "completion_tokens"
    public static let cachedTokens = "cached_tokens"
    public static let totalTokens = "total_tokens"
    public static let costUSD = "cost_usd"
    /// Time to the first chunk of a streamed LLM reply, in milliseconds.
    public static let timeToFirstTokenMilliseconds = "ttft_ms"
    /// Output tokens per second of a streamed LLM reply, from its first chunk to its end.
    public static let tokensPerSecond = "tokens_per_s"
    /// The number of chunks of a streamed LLM reply.
    public static let chunks = "chunks"
    public static let route = "route"
    public static let confidence = "confidence"
    public static let memoryMB = "memory_mb"
    public static let quality = "quality"
    /// The stage of a pipeline `stage` event (`init`, `session`, `discovery`, …).
    public static let stage = "stage"
    /// The latency tier (1–4) of a `tool_call` event.
    public static let tier = "tier"

    /// The keys that are identity labels of an event rather than attributes, in the order they are written.
    public static let identityLabels: [String] = [service, agentID, agentName, agentDomain, workerID]

    /// OpenTelemetry GenAI attribute names accepted on input, and the conventional name each one stands for.
    public static let aliases: [String: String] = [
        "gen_ai.request.model": model,
        "gen_ai.provider.name": provider,
        "gen_ai.usage.input_tokens": promptTokens,
        "gen_ai.usage.output_tokens": completionTokens,
        "gen_ai.tool.name": tool,
        "gen_ai.agent.id": agentID,
        "gen_ai.agent.name": agentName,
        "error.type": error,
    ]
}
