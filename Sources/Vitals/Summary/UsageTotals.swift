/// Token and cost totals of the LLM calls of one model, or the calls of one tool.
public struct UsageTotals: Sendable, Hashable {
    /// Number of events.
    public var calls: UInt64 = 0
    /// Failed events.
    public var errors: UInt64 = 0
    /// Sum of durations in milliseconds.
    public var totalMilliseconds: Double = 0
    /// Sum of `prompt_tokens`.
    public var promptTokens: Double = 0
    /// Sum of `completion_tokens`.
    public var completionTokens: Double = 0
    /// Sum of `total_tokens` (or prompt + completion where a line has no total).
    public var totalTokens: Double = 0
    /// Sum of `cost_usd`.
    public var costUSD: Double = 0
    /// Whether any event carried a `cost_usd`, so that "no cost known" is not shown as 0.
    public var hasCost = false
    /// Events with a `ttft_ms` (streamed LLM calls).
    public var streamedCalls: UInt64 = 0
    /// Sum of `ttft_ms`.
    public var timeToFirstTokenMilliseconds: Double = 0
    /// Events with a `tokens_per_s`.
    public var rateCalls: UInt64 = 0
    /// Sum of `tokens_per_s`.
    public var tokensPerSecond: Double = 0

    /// The mean time to first token of the streamed calls; `nil` without any.
    public var averageTimeToFirstToken: Double? {
        streamedCalls == 0 ? nil : timeToFirstTokenMilliseconds / Double(streamedCalls)
    }

    /// The mean output tokens per second of the streamed calls that have one; `nil` without any.
    public var averageTokensPerSecond: Double? {
        rateCalls == 0 ? nil : tokensPerSecond / Double(rateCalls)
    }

    /// Empty totals.
    public init() {}

    /// Adds one event's usage.
    public mutating func add(_ event: Event) {
        // One pass over the attributes instead of one lookup per key: this runs for every event.
        var usage = Usage()
        for attribute in event.attributes {
            guard let value = attribute.value.doubleValue else { continue }
            switch attribute.key.utf8.count {
            case 13 where attribute.key == WireKey.promptTokens: usage.promptTokens = value
            case 17 where attribute.key == WireKey.completionTokens: usage.completionTokens = value
            case 12 where attribute.key == WireKey.totalTokens: usage.totalTokens = value
            case 12 where attribute.key == WireKey.tokensPerSecond: usage.tokensPerSecond = value
            case 7 where attribute.key == WireKey.timeToFirstTokenMilliseconds:
                usage.timeToFirstTokenMilliseconds = value
            case 8 where attribute.key == WireKey.costUSD: usage.costUSD = value
            default: break
            }
        }
        add(usage, durationMilliseconds: event.durationMilliseconds, status: event.status)
    }

    /// What one event says about usage (a summary reads it from the event's attributes or straight from its line).
    struct Usage {
        var promptTokens = 0.0
        var completionTokens = 0.0
        var totalTokens: Double?
        var costUSD: Double?
        var timeToFirstTokenMilliseconds: Double?
        var tokensPerSecond: Double?
    }

    /// Adds one event's usage, duration and outcome.
    mutating func add(_ usage: Usage, durationMilliseconds: Double, status: EventStatus) {
        calls &+= 1
        if status.isFailure { errors &+= 1 }
        totalMilliseconds += durationMilliseconds
        if let rate = usage.tokensPerSecond {
            tokensPerSecond += rate
            rateCalls &+= 1
        }
        if let time = usage.timeToFirstTokenMilliseconds {
            timeToFirstTokenMilliseconds += time
            streamedCalls &+= 1
        }
        if let cost = usage.costUSD {
            costUSD += cost
            hasCost = true
        }
        promptTokens += usage.promptTokens
        completionTokens += usage.completionTokens
        totalTokens += usage.totalTokens ?? (usage.promptTokens + usage.completionTokens)
    }

    /// Adds another set of totals.
    public mutating func merge(_ other: UsageTotals) {
        calls &+= other.calls
        errors &+= other.errors
        totalMilliseconds += other.totalMilliseconds
        promptTokens += other.promptTokens
        completionTokens += other.completionTokens
        totalTokens += other.totalTokens
        costUSD += other.costUSD
        hasCost = hasCost || other.hasCost
        streamedCalls &+= other.streamedCalls
        timeToFirstTokenMilliseconds += other.timeToFirstTokenMilliseconds
        rateCalls &+= other.rateCalls
        tokensPerSecond += other.tokensPerSecond
    }
}
