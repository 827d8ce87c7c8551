import Tracing
import Vitals

/// How a finished span becomes an event, GenAI spans included (see ``VitalsTracer``).
enum SpanEventMapping {
    static let operationKey = "gen_ai.operation.name"
    static let requestModelKey = "gen_ai.request.model"
    static let responseModelKey = "gen_ai.response.model"
    static let providerKey = "gen_ai.provider.name"
    static let systemKey = "gen_ai.system"
    static let inputTokensKey = "gen_ai.usage.input_tokens"
    static let outputTokensKey = "gen_ai.usage.output_tokens"
    static let toolKey = "gen_ai.tool.name"
    static let agentEventName = "agent_call"
    static let llmOperations: Set<String> = ["chat", "text_completion", "generate_content"]

    static let maximumAttributes = 128
    static let maximumTextLength = 4_096

    static func event(
        operationName: String,
        attributes spanAttributes: SpanAttributes,
        status: SpanStatus?,
        error: (status: EventStatus, text: String)?,
        startNanoseconds: UInt64,
        endNanoseconds: UInt64,
        identity: SpanIdentity
    ) -> Event {
        var values: [(String, SpanAttribute)] = []
        spanAttributes.forEach { key, value in values.append((key, value)) }
        // SpanAttributes is a dictionary: sort so that the event's attribute order does not depend on hashing.
        values.sort { $0.0 < $1.0 }
        if values.count > maximumAttributes { values.removeLast(values.count - maximumAttributes) }
        func text(_ key: String) -> String? {
            values.first { $0.0 == key }.flatMap { Self.text($0.1) }
        }
        func integer(_ key: String) -> Int? {
            values.first { $0.0 == key }.flatMap { Self.integer($0.1) }
        }

        var name = IntegrationText.name(operationName, limit: maximumTextLength)
        var attributes = Attributes()
        var consumed: Set<String> = [operationKey]
        switch text(operationKey) {
        case let operation? where llmOperations.contains(operation):
            name = CollectedEventName.llmCall
            let model = text(requestModelKey) ?? text(responseModelKey) ?? IntegrationText.unnamed
            // A negative token count is nonsense, not a refund: it is left out.
            let usage = LLMUsage(
                promptTokens: integer(inputTokensKey).flatMap { $0 >= 0 ? $0 : nil },
                completionTokens: integer(outputTokensKey).flatMap { $0 >= 0 ? $0 : nil }
            )
            attributes = usage.attributes(
                model: model,
                phase: text(WireKey.phase),
                provider: text(providerKey) ?? text(systemKey)
            )
            consumed.formUnion([
                requestModelKey, responseModelKey, providerKey, systemKey, inputTokensKey, outputTokensKey,
                WireKey.phase,
            ])
        case "execute_tool":
            name = CollectedEventName.toolCall
            attributes[WireKey.tool] = .string(text(toolKey) ?? IntegrationText.unnamed)
            consumed.insert(toolKey)
        case "invoke_agent":
            name = agentEventName
        default:
            break
        }

        var labels = Labels()
        for (key, value) in values where !consumed.contains(key) {
            let key = WireKey.aliases[key] ?? IntegrationText.bounded(key, limit: 256)
            guard !key.isEmpty, attributes[key] == nil, labels[key] == nil else { continue }
            if WireKey.identityLabels.contains(key) {
                if let label = Self.text(value) { labels[key] = label }
            } else if key == WireKey.error {
                continue  // `error.type` only names the error; the event's error text comes from the error itself
            } else if let attribute = Self.attributeValue(value) {
                attributes[key] = attribute
            }
        }

        var eventStatus = EventStatus.ok
        var errorText: String?
        if let error {
            eventStatus = error.status
            errorText = IntegrationText.bounded(error.text, limit: maximumTextLength)
        } else if let status, status.code == .error {
            eventStatus = .error
            errorText = status.message ?? text("error.type") ?? "error"
        }

        let duration = endNanoseconds >= startNanoseconds ? endNanoseconds - startNanoseconds : 0
        let start = Timestamp(nanosecondsSinceEpoch: Int64(clamping: startNanoseconds))
        return Event(
            name: name,
            start: start,
            end: Timestamp(nanosecondsSinceEpoch: Int64(clamping: startNanoseconds &+ duration)),
            durationMilliseconds: Double(duration) / 1_000_000,
            status: eventStatus,
            error: errorText,
            labels: labels,
            attributes: attributes,
            traceID: identity.traceID,
            spanID: identity.spanID,
            parentSpanID: identity.parentSpanID
        )
    }

    static func text(_ value: SpanAttribute) -> String? {
        switch value {
        case .string(let text): return IntegrationText.bounded(text, limit: maximumTextLength)
        case .stringConvertible(let convertible):
            return IntegrationText.bounded(convertible.description, limit: maximumTextLength)
        case .int32(let number): return String(number)
        case .int64(let number): return String(number)
        case .double(let number): return AttributeValue.double(number).description
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    static func integer(_ value: SpanAttribute) -> Int? {
        switch value {
        case .int32(let number): return Int(number)
        case .int64(let number): return Int(exactly: number)
        case .double(let number) where number.isFinite && number == number.rounded(): return Int(exactly: number)
        case .string(let text): return Int(text)
        default: return nil
        }
    }

    /// A span attribute as an event attribute: numbers and booleans as they are (non-finite doubles as text),
    /// lists as text.
    static func attributeValue(_ value: SpanAttribute) -> AttributeValue? {
        switch value {
        case .int32(let number): return .int(Int64(number))
        case .int64(let number): return .int(number)
        case .double(let number): return number.isFinite ? .double(number) : .string(String(describing: number))
        case .bool(let flag): return .bool(flag)
        case .string, .stringConvertible: return text(value).map(AttributeValue.string)
        default:
            return .string(IntegrationText.bounded(String(describing: value), limit: maximumTextLength))
        }
    }
}
