/// The value of a span attribute as the GenAI mapping reads it, whichever door the span came in by (the
/// swift-distributed-tracing tracer, OTLP/HTTP ingest).
package enum SpanAttributeValue: Sendable, Hashable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// A list, map or byte string, already rendered as text: kept as a string attribute, never read as a number.
    case text(String)
}

/// How a finished span becomes an event under the OpenTelemetry GenAI conventions: `chat`, `text_completion` and
/// `generate_content` operations become `llm_call` (model, provider, token counts), `execute_tool` becomes
/// `tool_call`, `invoke_agent` becomes `agent_call`, any other span an event named after the span. Identity keys
/// (`service`, `agent_id`, … and their GenAI aliases) become labels, every other attribute an attribute.
///
/// One mapping for every door, so that a chat span gives the same `llm_call` as ``measureLLMCall`` whether it was
/// recorded in-process or exported by an OpenTelemetry SDK.
package enum GenAISpanMapping {
    package static let operationKey = "gen_ai.operation.name"
    package static let requestModelKey = "gen_ai.request.model"
    package static let responseModelKey = "gen_ai.response.model"
    package static let providerKey = "gen_ai.provider.name"
    package static let systemKey = "gen_ai.system"
    package static let inputTokensKey = "gen_ai.usage.input_tokens"
    package static let outputTokensKey = "gen_ai.usage.output_tokens"
    package static let promptTokensKey = "gen_ai.usage.prompt_tokens"
    package static let completionTokensKey = "gen_ai.usage.completion_tokens"
    package static let toolKey = "gen_ai.tool.name"
    /// Seconds to the first token of a streamed reply (the name of the OpenTelemetry GenAI server metric).
    package static let timeToFirstTokenKey = "gen_ai.server.time_to_first_token"
    package static let errorTypeKey = "error.type"
    package static let agentEventName = "agent_call"
    package static let llmOperations: Set<String> = ["chat", "text_completion", "generate_content"]

    /// The most attributes of one span that are read; the rest are dropped (OpenTelemetry SDKs keep 128 too).
    package static let maximumAttributes = 128
    /// The longest name, label or text value kept, in UTF-8 bytes.
    package static let maximumTextLength = 4_096
    /// The longest attribute key kept, in UTF-8 bytes.
    package static let maximumKeyLength = 256
    /// The longest event name kept, in UTF-8 bytes: the longest a store files (its `IngestLimits`), so that a long
    /// span name is cut rather than its span refused.
    package static let maximumNameLength = 256
    /// The longest label value kept, in UTF-8 bytes: the longest a store files in a series.
    package static let maximumLabelLength = 1_024

    private static let operationOnly: Set<String> = [operationKey]
    private static let llmKeys: Set<String> = [
        operationKey, requestModelKey, responseModelKey, providerKey, systemKey, inputTokensKey, outputTokensKey,
        promptTokensKey, completionTokensKey, timeToFirstTokenKey, WireKey.phase,
    ]
    private static let toolKeys: Set<String> = [operationKey, toolKey]

    /// The event of one finished span.
    ///
    /// - Parameters:
    ///   - operationName: The span's name: the event's name unless the GenAI operation gives one.
    ///   - attributes: The span's attributes in a stable order; an earlier key wins over a later duplicate.
    ///   - labels: Labels the span inherits (its resource's `service`); its own identity attributes replace them.
    ///   - failure: How the span failed, if it did; a `nil` text means "use `error.type`, else `error`".
    ///   - startNanoseconds: Start, in nanoseconds since the Unix epoch.
    ///   - endNanoseconds: End; an end before the start gives a zero duration.
    package static func event(
        operationName: String,
        attributes values: [(key: String, value: SpanAttributeValue)],
        labels inherited: Labels = Labels(),
        failure: (status: EventStatus, text: String?)?,
        startNanoseconds: UInt64,
        endNanoseconds: UInt64,
        traceID: String?,
        spanID: String?,
        parentSpanID: String?
    ) -> Event {
        let values = values.prefix(maximumAttributes)
        func value(_ key: String) -> SpanAttributeValue? {
            values.first { $0.key == key }?.value
        }
        func text(_ key: String) -> String? { value(key).flatMap(Self.text) }
        /// A token count, from the first key present; a negative one is nonsense, not a refund, and is left out.
        func count(_ key: String, else fallback: String) -> Int? {
            guard let number = (value(key) ?? value(fallback)).flatMap(Self.integer) else { return nil }
            return number >= 0 ? number : nil
        }

        var name = BoundedText.name(operationName, limit: maximumNameLength)
        var attributes = Attributes()
        // The keys the mapping itself read, which are not copied as attributes.
        var consumed = Self.operationOnly
        switch text(operationKey) {
        case let operation? where llmOperations.contains(operation):
            name = CollectedEventName.llmCall
            let model = text(requestModelKey) ?? text(responseModelKey) ?? BoundedText.unnamed
            let usage = LLMUsage(
                promptTokens: count(inputTokensKey, else: promptTokensKey),
                completionTokens: count(outputTokensKey, else: completionTokensKey)
            )
            attributes = usage.attributes(
                model: model,
                phase: text(WireKey.phase),
                provider: text(providerKey) ?? text(systemKey)
            )
            if let seconds = value(timeToFirstTokenKey).flatMap(Self.number), seconds >= 0 {
                let generation = Double(endNanoseconds &- min(startNanoseconds, endNanoseconds)) / 1e9 - seconds
                attributes[WireKey.timeToFirstTokenMilliseconds] = .double(seconds * 1_000)
                if let tokens = usage.completionTokens, generation > 0 {
                    attributes[WireKey.tokensPerSecond] = .double(Double(tokens) / generation)
                }
            }
            consumed = Self.llmKeys
        case "execute_tool":
            name = CollectedEventName.toolCall
            attributes[WireKey.tool] = .string(text(toolKey) ?? BoundedText.unnamed)
            consumed = Self.toolKeys
        case "invoke_agent":
            name = agentEventName
        default:
            break
        }

        var labels = Labels()
        for label in inherited { labels[label.key] = BoundedText.bounded(label.value, limit: maximumLabelLength) }
        var ownLabels: Set<String> = []
        for (key, value) in values where !consumed.contains(key) {
            let key = WireKey.aliases[key] ?? BoundedText.bounded(key, limit: maximumKeyLength)
            guard !key.isEmpty, attributes[key] == nil, !ownLabels.contains(key) else { continue }
            if WireKey.identityLabels.contains(key) {
                if let label = Self.text(value) {
                    labels[key] = BoundedText.bounded(label, limit: maximumLabelLength)
                    ownLabels.insert(key)
                }
            } else if key == WireKey.error {
                continue  // `error.type` only names the error; the event's error text comes from the failure
            } else {
                attributes[key] = attributeValue(value)
            }
        }

        var status = EventStatus.ok
        var errorText: String?
        if let failure {
            status = failure.status
            let text = failure.text.flatMap { $0.isEmpty ? nil : $0 } ?? text(errorTypeKey) ?? "error"
            errorText = BoundedText.bounded(text, limit: maximumTextLength)
        }

        let duration = endNanoseconds >= startNanoseconds ? endNanoseconds - startNanoseconds : 0
        return Event(
            name: name,
            start: Timestamp(nanosecondsSinceEpoch: Int64(clamping: startNanoseconds)),
            end: Timestamp(nanosecondsSinceEpoch: Int64(clamping: startNanoseconds &+ duration)),
            durationMilliseconds: Double(duration) / 1_000_000,
            status: status,
            error: errorText,
            labels: labels,
            attributes: attributes,
            traceID: traceID,
            spanID: spanID,
            parentSpanID: parentSpanID
        )
    }

    /// A value as text (numbers in their shortest form); `nil` for lists and maps.
    package static func text(_ value: SpanAttributeValue) -> String? {
        switch value {
        case .string(let text): return BoundedText.bounded(text, limit: maximumTextLength)
        case .int(let number): return String(number)
        case .double(let number): return AttributeValue.double(number).description
        case .bool(let flag): return flag ? "true" : "false"
        case .text: return nil
        }
    }

    /// A whole number: an integer, an integral double or a string of digits.
    package static func integer(_ value: SpanAttributeValue) -> Int? {
        switch value {
        case .int(let number): return Int(exactly: number)
        case .double(let number) where number.isFinite && number == number.rounded(): return Int(exactly: number)
        case .string(let text): return Int(text)
        default: return nil
        }
    }

    /// A finite number: an integer, a double or a string of digits.
    package static func number(_ value: SpanAttributeValue) -> Double? {
        let number: Double?
        switch value {
        case .int(let integer): number = Double(integer)
        case .double(let double): number = double
        case .string(let text): number = Double(text)
        default: number = nil
        }
        return number.flatMap { $0.isFinite ? $0 : nil }
    }

    /// A value as an event attribute: numbers and booleans as they are (non-finite doubles as text), lists, maps
    /// and strings as bounded text.
    package static func attributeValue(_ value: SpanAttributeValue) -> AttributeValue {
        switch value {
        case .int(let number): return .int(number)
        case .double(let number): return number.isFinite ? .double(number) : .string(String(describing: number))
        case .bool(let flag): return .bool(flag)
        case .string(let text), .text(let text): return .string(BoundedText.bounded(text, limit: maximumTextLength))
        }
    }
}
