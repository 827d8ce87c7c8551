public import Instrumentation
public import Tracing
public import Vitals

/// A swift-distributed-tracing tracer that records every finished span as a Vitals event.
///
/// A span becomes an event with its duration, status, attributes and `trace_id`/`span_id`/`parent_span_id`; spans
/// nest through the task-local `InstrumentationContext`, as `withSpan` sets it. The event goes to the
/// ``Vitals/EventCollector`` bound to the task that started the span (`withEventCollector`), or to the tracer's
/// `collector` when the task has none; without either it is dropped.
///
/// Spans carrying the OpenTelemetry GenAI attributes become the events the library's own helpers record:
/// `gen_ai.operation.name` `chat`, `text_completion` or `generate_content` gives the `llm_call` of
/// `measureLLMCall` (model from `gen_ai.request.model`, else `gen_ai.response.model`; provider from
/// `gen_ai.provider.name`, else `gen_ai.system`; tokens from `gen_ai.usage.input_tokens`/`output_tokens`; phase
/// from `phase`); `execute_tool` gives the `tool_call` of `measureToolCall` (tool from `gen_ai.tool.name`);
/// `invoke_agent` gives an `agent_call` (`gen_ai.agent.id`/`name` as the `agent_id`/`agent_name` labels). Other
/// attributes are kept (the identity keys as labels); GenAI aliases of the wire format are renamed.
///
/// Errors: a span that recorded an error ends with the status of that error (`cancelled` for
/// `CancellationError`, `timeout` for `TimeoutError`, else `error`) and its text; a span whose status was set to
/// error without one ends as `error` with the status message. An end before the start records 0 ms. Attributes
/// past the 128th are ignored and text is cut at 4,096 bytes.
///
/// The tracer propagates W3C `traceparent` through `inject`/`extract`.
///
/// ```swift
/// InstrumentationSystem.bootstrap(VitalsTracer())
/// let reply = try await withSpan("chat gpt-5-mini") { span in
///     span.attributes["gen_ai.operation.name"] = "chat"
///     span.attributes["gen_ai.request.model"] = "gpt-5-mini"
///     return try await client.complete(prompt)
/// }
/// ```
public struct VitalsTracer: Tracer, Sendable {
    public typealias Span = VitalsSpan

    /// Where spans started outside any `withEventCollector` go; `nil` drops them.
    public let collector: EventCollector?

    /// The W3C Trace Context header `inject` writes and `extract` reads.
    public static let traceparentHeader = "traceparent"

    /// Creates a tracer.
    ///
    /// - Parameter collector: Where spans started outside any `withEventCollector` go; `nil` (default) drops them.
    public init(collector: EventCollector? = nil) {
        self.collector = collector
    }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> InstrumentationContext,
        ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> VitalsSpan {
        var context = context()
        let parent = context.vitalsSpan
        let identity = SpanIdentity(
            traceID: parent?.traceID ?? SpanIdentity.randomHex(bytes: 16),
            spanID: SpanIdentity.randomHex(bytes: 8),
            parentSpanID: parent?.spanID
        )
        context.vitalsSpan = identity
        return VitalsSpan(
            operationName: operationName,
            context: context,
            identity: identity,
            startNanoseconds: instant().nanosecondsSinceEpoch,
            collector: EventCollector.current ?? collector
        )
    }

    public func activeSpan(identifiedBy context: InstrumentationContext) -> VitalsSpan? {
        nil
    }

    public func forceFlush() {}

    public func inject<Carrier, Inject: Injector>(
        _ context: InstrumentationContext,
        into carrier: inout Carrier,
        using injector: Inject
    ) where Inject.Carrier == Carrier {
        guard let span = context.vitalsSpan else { return }
        injector.inject("00-\(span.traceID)-\(span.spanID)-01", forKey: Self.traceparentHeader, into: &carrier)
    }

    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier,
        into context: inout InstrumentationContext,
        using extractor: Extract
    ) where Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: Self.traceparentHeader, from: carrier),
            let remote = Self.parseTraceparent(header)
        else { return }
        context.vitalsSpan = remote
    }

    /// The remote span of a `traceparent` header (`00-<32 hex>-<16 hex>-<2 hex>`), or nil when malformed or all
    /// zero.
    static func parseTraceparent(_ header: String) -> SpanIdentity? {
        let parts = header.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, parts[0] != "ff", parts[1].count == 32, parts[2].count == 16,
            parts[3].count == 2
        else { return nil }
        func isHex(_ text: Substring) -> Bool {
            text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
        }
        guard parts.prefix(4).allSatisfy(isHex), parts[1].contains(where: { $0 != "0" }),
            parts[2].contains(where: { $0 != "0" })
        else { return nil }
        return SpanIdentity(traceID: String(parts[1]), spanID: String(parts[2]), parentSpanID: nil)
    }
}
