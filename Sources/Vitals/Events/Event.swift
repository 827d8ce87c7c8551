/// One finished operation: an LLM call, a tool call, a pipeline stage, a job, a request.
///
/// An event has a name, when it ran, how long it took, how it ended, identity labels (who ran it) and
/// attributes (what it was: model, tool, tokens, cost…). It is exactly one line of a `metrics.jsonl`.
///
/// ```swift
/// let call = Event(
///     name: "llm_call",
///     durationMilliseconds: 111,
///     labels: ["worker_id": "w-7"],
///     attributes: ["model": "gpt-5-mini", "prompt_tokens": 1234, "completion_tokens": 89]
/// )
/// ```
public struct Event: Sendable, Hashable {
    /// The operation's name (`llm_call`, `tool_call`, `route_query`…).
    public var name: String
    /// When the operation started, if known.
    public var start: Timestamp?
    /// When the operation ended, if known.
    public var end: Timestamp?
    /// How long the operation took, in milliseconds; never negative.
    public var durationMilliseconds: Double
    /// How the operation ended.
    public var status: EventStatus
    /// Why the operation failed, when it did.
    public var error: String?
    /// Identity labels: `service`, `agent_id`, `agent_name`, `agent_domain`, `worker_id`.
    public var labels: Labels
    /// Everything else: `model`, `provider`, `tool`, `phase`, token counts, `cost_usd`, user-defined keys.
    public var attributes: Attributes
    /// Optional trace links.
    public var traceID: String?
    public var spanID: String?
    public var parentSpanID: String?

    /// Creates an event.
    ///
    /// - Parameters:
    ///   - name: The operation's name.
    ///   - start: When it started, if known.
    ///   - end: When it ended, if known.
    ///   - durationMilliseconds: How long it took, in milliseconds.
    ///   - status: How it ended; `.ok` by default.
    ///   - error: Why it failed, when it did.
    ///   - labels: Identity labels.
    ///   - attributes: Attributes.
    public init(
        name: String,
        start: Timestamp? = nil,
        end: Timestamp? = nil,
        durationMilliseconds: Double,
        status: EventStatus = .ok,
        error: String? = nil,
        labels: Labels = [:],
        attributes: Attributes = [:],
        traceID: String? = nil,
        spanID: String? = nil,
        parentSpanID: String? = nil
    ) {
        self.name = name
        self.start = start
        self.end = end
        self.durationMilliseconds = durationMilliseconds
        self.status = status
        self.error = error
        self.labels = labels
        self.attributes = attributes
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
    }

    /// The value of a label or, failing that, of an attribute as text (how `--by` and rules over a file look keys
    /// up; series keys use ``seriesLabel(_:)``, which leaves fractions out).
    public func labelOrAttribute(_ key: String) -> String? {
        if let label = labels[key] { return label }
        if key == WireKey.status { return status.rawValue }
        return attributes[key]?.description
    }

    /// The value of series label `key`: a label, the outcome for `status`, else an attribute's
    /// ``AttributeValue/labelText`` (text, an integer or a boolean; never a fraction).
    package func seriesLabel(_ key: String) -> String? {
        if let label = labels[key] { return label }
        if key == WireKey.status { return status.rawValue }
        return attributes[key]?.labelText
    }

    /// A numeric attribute (`prompt_tokens`, `cost_usd`, …), or `nil` when absent or not a number.
    public func number(_ key: String) -> Double? {
        attributes[key]?.doubleValue
    }
}

/// One value of a gauge at a time: queue depth, workload %, resident memory, KB coverage.
///
/// On the wire: `{"metric":"queue_depth","value":5,"ts":"…","agent_id":"AGENT_54"}`.
public struct Sample: Sendable, Hashable {
    /// The gauge's name.
    public var name: String
    /// The gauge's value.
    public var value: Double
    /// When the value was read, if known.
    public var timestamp: Timestamp?
    /// Labels: every other key of the line, as text.
    public var labels: Labels

    /// Creates a gauge sample.
    public init(name: String, value: Double, timestamp: Timestamp? = nil, labels: Labels = [:]) {
        self.name = name
        self.value = value
        self.timestamp = timestamp
        self.labels = labels
    }
}

/// One line of JSONL: an event or a gauge sample.
public enum Record: Sendable, Hashable {
    case event(Event)
    case sample(Sample)
}
