public import Instrumentation
import Synchronization
public import Tracing
import Vitals

/// A span of ``VitalsTracer``: it records its event when it ends, once.
public final class VitalsSpan: Tracing.Span, Sendable {
    public let context: InstrumentationContext
    let identity: SpanIdentity
    private let startNanoseconds: UInt64
    private let collector: EventCollector?
    private let state: Mutex<State>

    private struct State {
        var operationName: String
        var attributes: SpanAttributes = [:]
        var status: SpanStatus?
        /// The first recorded error's status and text.
        var error: (status: EventStatus, text: String)?
        var isRecording = true
    }

    init(
        operationName: String,
        context: InstrumentationContext,
        identity: SpanIdentity,
        startNanoseconds: UInt64,
        collector: EventCollector?
    ) {
        self.context = context
        self.identity = identity
        self.startNanoseconds = startNanoseconds
        self.collector = collector
        self.state = Mutex(State(operationName: operationName))
    }

    /// The span's trace, 32 hex digits.
    public var traceID: String { identity.traceID }
    /// The span's identifier, 16 hex digits.
    public var spanID: String { identity.spanID }
    /// The enclosing span's identifier, when there is one.
    public var parentSpanID: String? { identity.parentSpanID }

    public var operationName: String {
        get { state.withLock { $0.operationName } }
        set { state.withLock { if $0.isRecording { $0.operationName = newValue } } }
    }

    public var attributes: SpanAttributes {
        get { state.withLock { $0.attributes } }
        set { state.withLock { if $0.isRecording { $0.attributes = newValue } } }
    }

    public var isRecording: Bool { state.withLock { $0.isRecording } }

    public func setStatus(_ status: SpanStatus) {
        state.withLock { if $0.isRecording { $0.status = status } }
    }

    /// Span events are not kept: a Vitals event is the span as a whole.
    public func addEvent(_ event: SpanEvent) {}

    /// Links are not kept: an event has one parent.
    public func addLink(_ link: SpanLink) {}

    /// Keeps the first error recorded; the event is recorded as failed with its text.
    public func recordError<Instant: TracerInstant>(
        _ error: any Error,
        attributes: SpanAttributes,
        at instant: @autoclosure () -> Instant
    ) {
        let recorded = (eventStatus(for: error), String(describing: error))
        state.withLock { if $0.isRecording, $0.error == nil { $0.error = recorded } }
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let ended = state.withLock { state -> State? in
            guard state.isRecording else { return nil }
            state.isRecording = false
            return state
        }
        guard let ended, let collector else { return }
        let event = SpanEventMapping.event(
            operationName: ended.operationName,
            attributes: ended.attributes,
            status: ended.status,
            error: ended.error,
            startNanoseconds: startNanoseconds,
            endNanoseconds: instant().nanosecondsSinceEpoch,
            identity: identity
        )
        collector.record(event)
    }
}
