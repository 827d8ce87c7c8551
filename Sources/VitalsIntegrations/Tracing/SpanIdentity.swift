import Instrumentation

/// The trace links of one Vitals span, carried in the `InstrumentationContext` so that child spans, log lines and
/// metric events inside it can name it.
struct SpanIdentity: Sendable, Hashable {
    /// 32 lowercase hex digits, as in W3C Trace Context.
    var traceID: String
    /// 16 lowercase hex digits.
    var spanID: String
    /// The span this one is nested in, when it is.
    var parentSpanID: String?

    /// A random, non-zero identifier of `bytes` bytes in lowercase hex.
    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        while true {
            var text = ""
            text.reserveCapacity(bytes * 2)
            var allZero = true
            for _ in 0..<bytes {
                let byte = UInt8.random(in: 0...255, using: &generator)
                if byte != 0 { allZero = false }
                text += byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
            }
            if !allZero { return text }
        }
    }
}

/// The context key under which the current Vitals span's identity travels.
enum SpanIdentityKey: InstrumentationContextKey {
    typealias Value = SpanIdentity
    static let nameOverride: String? = "vitals-span"
}

extension InstrumentationContext {
    /// The identity of the Vitals span this context belongs to, if any.
    var vitalsSpan: SpanIdentity? {
        get { self[SpanIdentityKey.self] }
        set { self[SpanIdentityKey.self] = newValue }
    }

    /// The identity of the Vitals span of the current task, if any.
    static var currentVitalsSpan: SpanIdentity? {
        InstrumentationContext.current?.vitalsSpan
    }
}
