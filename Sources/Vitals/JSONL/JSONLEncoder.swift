/// Writes events and gauge samples as JSONL lines of the same shape as the worker `metrics.jsonl` files.
///
/// An event's keys come in a fixed order: `event`, its labels, `trace_id`/`span_id`/`parent_span_id`, string
/// attributes (in stored order), `start_ts`, `end_ts`, `duration_ms`, number and boolean attributes (in stored
/// order), `success`, then `status` only for `timeout` and `cancelled` (which `success` cannot express), then
/// `error`. A sample is `metric`, `value`, `ts`, then its labels.
///
/// `success` is always written, even for lines that had none, so that every written line states its outcome
/// explicitly; this is why the first seed line reads back with `,"success":true` at its end.
///
/// Timestamps are written in UTC with six fractional digits; whole numbers without a fraction (`111`, not
/// `111.0`); strings with `"`, `\` and control characters escaped (the latter as `\u00XX`). Decoding a written
/// line gives the same record back, except that:
/// - attributes come back strings first (the order they are written in),
/// - a whole-number `.double` attribute comes back as `.int`, and non-finite numbers are written as `null`
///   (so they are dropped),
/// - a missing start or end time is derived from the other and the duration,
/// - timestamps keep microseconds, and an empty `error` text is not written,
/// - labels other than the identity labels, and attributes named like reserved keys, come back as attributes
///   or are left out, respectively.
///
/// ```swift
/// let encoder = JSONLEncoder()
/// let line = encoder.encode(.event(Event(name: "tool_call", durationMilliseconds: 12, attributes: ["tool": "grep"])))
/// // {"event":"tool_call","tool":"grep","duration_ms":12,"success":true}
/// ```
public struct JSONLEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// The record as one line of JSON, without a line break.
    public func encode(_ record: Record) -> String {
        var bytes: [UInt8] = []
        append(record, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the record as one line of JSON to `buffer`, without a line break; the allocation-free path for
    /// writers that batch lines into one buffer.
    public func append(_ record: Record, to buffer: inout [UInt8]) {
        switch record {
        case .event(let event): append(event, to: &buffer)
        case .sample(let sample): append(sample, to: &buffer)
        }
    }

    private func append(_ event: Event, to buffer: inout [UInt8]) {
        buffer.reserveCapacity(buffer.count + 160 + 48 * event.attributes.count)
        Self.appendRaw("{\"event\":", to: &buffer)
        Self.appendString(event.name, to: &buffer)
        for label in event.labels where !JSONLKey.classify(label.key).isReservedInEvent {
            Self.appendKey(label.key, to: &buffer)
            Self.appendString(label.value, to: &buffer)
        }
        if let traceID = event.traceID {
            Self.appendRaw(",\"trace_id\":", to: &buffer)
            Self.appendString(traceID, to: &buffer)
        }
        if let spanID = event.spanID {
            Self.appendRaw(",\"span_id\":", to: &buffer)
            Self.appendString(spanID, to: &buffer)
        }
        if let parentSpanID = event.parentSpanID {
            Self.appendRaw(",\"parent_span_id\":", to: &buffer)
            Self.appendString(parentSpanID, to: &buffer)
        }
        for attribute in event.attributes {
            guard case .string(let text) = attribute.value, Self.isWritableAttribute(attribute.key) else { continue }
            Self.appendKey(attribute.key, to: &buffer)
            Self.appendString(text, to: &buffer)
        }
        if let start = event.start {
            Self.appendRaw(",\"start_ts\":\"", to: &buffer)
            start.appendRFC3339(to: &buffer)
            buffer.append(UInt8(ascii: "\""))
        }
        if let end = event.end {
            Self.appendRaw(",\"end_ts\":\"", to: &buffer)
            end.appendRFC3339(to: &buffer)
            buffer.append(UInt8(ascii: "\""))
        }
        Self.appendRaw(",\"duration_ms\":", to: &buffer)
        Self.appendNumber(event.durationMilliseconds, to: &buffer)
        for attribute in event.attributes where Self.isWritableAttribute(attribute.key) {
            switch attribute.value {
            case .string: continue
            case .int(let value):
                Self.appendKey(attribute.key, to: &buffer)
                Self.appendInteger(value, to: &buffer)
            case .double(let value):
                Self.appendKey(attribute.key, to: &buffer)
                Self.appendNumber(value, to: &buffer)
            case .bool(let value):
                Self.appendKey(attribute.key, to: &buffer)
                Self.appendRaw(value ? "true" : "false", to: &buffer)
            }
        }
        Self.appendRaw(event.status == .ok ? ",\"success\":true" : ",\"success\":false", to: &buffer)
        switch event.status {
        case .timeout: Self.appendRaw(",\"status\":\"timeout\"", to: &buffer)
        case .cancelled: Self.appendRaw(",\"status\":\"cancelled\"", to: &buffer)
        case .ok, .error: break
        }
        if let error = event.error, !error.isEmpty {
            Self.appendRaw(",\"error\":", to: &buffer)
            Self.appendString(error, to: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
    }

    private func append(_ sample: Sample, to buffer: inout [UInt8]) {
        buffer.reserveCapacity(buffer.count + 96 + 32 * sample.labels.count)
        Self.appendRaw("{\"metric\":", to: &buffer)
        Self.appendString(sample.name, to: &buffer)
        Self.appendRaw(",\"value\":", to: &buffer)
        Self.appendNumber(sample.value, to: &buffer)
        if let timestamp = sample.timestamp {
            Self.appendRaw(",\"ts\":\"", to: &buffer)
            timestamp.appendRFC3339(to: &buffer)
            buffer.append(UInt8(ascii: "\""))
        }
        for label in sample.labels {
            switch JSONLKey.classify(label.key) {
            case .metric, .value, .timestamp, .event: continue
            default: break
            }
            Self.appendKey(label.key, to: &buffer)
            Self.appendString(label.value, to: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
    }

    /// Attributes named like a reserved key (or an alias of one) would change the line's meaning; they are
    /// left out.
    private static func isWritableAttribute(_ key: String) -> Bool {
        !JSONLKey.classify(key).isReservedInEvent
    }

    private static func appendRaw(_ text: StaticString, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func appendKey(_ key: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: ","))
        appendString(key, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
    }

    /// Appends a JSON string literal: quotes, backslashes and control characters escaped, the rest as UTF-8.
    static func appendString(_ text: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                buffer.append(UInt8(ascii: "\\"))
                if byte < 0x20 {
                    let hexDigits: StaticString = "0123456789abcdef"
                    buffer.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    buffer.append(hexDigits.utf8Start[Int(byte >> 4)])
                    buffer.append(hexDigits.utf8Start[Int(byte & 0xF)])
                } else {
                    buffer.append(byte)
                }
                runStart = index + 1
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        buffer.append(UInt8(ascii: "\""))
    }

    static func appendInteger(_ value: Int64, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var index = 20
            repeat {
                index -= 1
                digits[index] = UInt8(truncatingIfNeeded: magnitude % 10) &+ UInt8(ascii: "0")
                magnitude /= 10
            } while magnitude != 0
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: digits[index...]))
        }
    }

    /// Whole numbers below 1e15 without a fraction (like `AttributeValue.format`), others in the shortest
    /// form that reads back exactly; non-finite values as `null`, which JSON has instead.
    static func appendNumber(_ value: Double, to buffer: inout [UInt8]) {
        guard value.isFinite else {
            appendRaw("null", to: &buffer)
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            appendInteger(Int64(value), to: &buffer)
        } else {
            buffer.append(contentsOf: AttributeValue.format(value).utf8)
        }
    }
}
