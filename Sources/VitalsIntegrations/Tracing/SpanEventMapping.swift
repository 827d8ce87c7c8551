import Tracing
import Vitals

/// How a finished span of ``VitalsTracer`` becomes an event: its attributes are read as ``SpanAttributeValue``s and
/// handed to the GenAI mapping that OTLP ingest shares (``GenAISpanMapping``).
enum SpanEventMapping {
    static func event(
        operationName: String,
        attributes spanAttributes: SpanAttributes,
        status: SpanStatus?,
        error: (status: EventStatus, text: String)?,
        startNanoseconds: UInt64,
        endNanoseconds: UInt64,
        identity: SpanIdentity
    ) -> Event {
        var values: [(key: String, value: SpanAttributeValue)] = []
        spanAttributes.forEach { key, value in values.append((key, Self.value(value))) }
        // SpanAttributes is a dictionary: sort so that the event's attribute order does not depend on hashing.
        values.sort { $0.key < $1.key }
        var failure: (status: EventStatus, text: String?)?
        if let error {
            failure = (error.status, error.text)
        } else if let status, status.code == .error {
            failure = (.error, status.message)
        }
        return GenAISpanMapping.event(
            operationName: operationName,
            attributes: values,
            failure: failure,
            startNanoseconds: startNanoseconds,
            endNanoseconds: endNanoseconds,
            traceID: identity.traceID,
            spanID: identity.spanID,
            parentSpanID: identity.parentSpanID
        )
    }

    static func value(_ value: SpanAttribute) -> SpanAttributeValue {
        switch value {
        case .string(let text): return .string(text)
        case .stringConvertible(let convertible): return .string(convertible.description)
        case .int32(let number): return .int(Int64(number))
        case .int64(let number): return .int(number)
        case .double(let number): return .double(number)
        case .bool(let flag): return .bool(flag)
        default:
            return .text(
                BoundedText.bounded(String(describing: value), limit: GenAISpanMapping.maximumTextLength)
            )
        }
    }
}
