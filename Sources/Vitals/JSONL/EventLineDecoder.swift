/// Decodes the keys of one line as an event, in a single pass over its bytes.
///
/// Reserved keys are recognised from their bytes (see `JSONLKey`). Strings, labels and attributes go
/// straight into the `Event` under construction, a local variable, so that nothing is copied on the way
/// out; the derived parts (missing timestamp or duration, outcome) are settled at the end, when every key is
/// known.
enum EventLineDecoder {
    /// What the line said besides the parts stored in the event directly.
    private struct State {
        var hasName = false
        var timing = LineTiming()
        var status: EventStatus?
        var success: Bool?
        var errorType: String?
        /// Alias groups (`JSONLKey.aliasGroup`) seen under their conventional name: their aliases are ignored.
        var conventionalSeen: UInt8 = 0
        /// Known keys stored so far, one bit per `JSONLKey` raw value: a repeated key is replaced in place
        /// without searching the list for every new key.
        var knownStored: UInt64 = 0
        /// Other keys stored so far, as a one-bit hash: a clear bit proves the key is new.
        var otherStored: UInt64 = 0

        /// Whether a value under a conventional name or its alias should be stored: the conventional name
        /// always is (and shuts the alias out), the alias only while the conventional name has not been seen.
        @inline(__always)
        mutating func admit(_ key: JSONLKey) -> Bool {
            let group = key.aliasGroup
            if key.isAlias { return conventionalSeen & group == 0 }
            conventionalSeen |= group
            return true
        }
    }

    /// Decodes the line into `event`, reusing the storage of its labels and attributes; returns the gauge
    /// sample instead when a `metric` key comes before any `event` key (`event` is then unspecified).
    static func decode(_ scanner: inout JSONLScanner, into event: inout Event) throws(JSONLError) -> Sample? {
        reset(&event)
        var state = State()
        try scanner.beginObject()
        while let (key, keyToken) = try scanner.nextField() {
            if key.role == .reserved {
                if try !takeReserved(key, keyToken, &scanner, &event, &state) {
                    var sample = SampleLineDecoder(scanner: JSONLScanner(base: scanner.base, count: scanner.count))
                    return try sample.decode()
                }
                continue
            }
            let value = try scanner.value(of: key, keyToken)
            switch key.role {
            case .identity:
                try takeLabel(key, keyToken, value, scanner, &event, &state)
            case .attribute:
                try takeAttribute(key, keyToken, value, scanner, &event, &state)
            case .other, .reserved:
                try takeOther(keyToken, value, scanner, &event, &state)
            }
        }
        try finish(&event, state)
        return nil
    }

    /// Empties `event` for the next line; the label and attribute arrays keep their buffers.
    @inline(__always)
    private static func reset(_ event: inout Event) {
        event.name = ""
        event.start = nil
        event.end = nil
        event.durationMilliseconds = 0
        event.status = .ok
        event.error = nil
        event.labels.removeAll(keepingCapacity: true)
        event.attributes.removeAll(keepingCapacity: true)
        event.traceID = nil
        event.spanID = nil
        event.parentSpanID = nil
    }

    @inline(never)
    private static func takeLabel(
        _ key: JSONLKey,
        _ keyToken: JSONLToken,
        _ value: JSONLToken,
        _ scanner: JSONLScanner,
        _ event: inout Event,
        _ state: inout State
    ) throws(JSONLError) {
        let text = try scanner.labelText(value, field: scanner.keyName(key, keyToken), allowBoolean: false)
        guard let text, state.admit(key) else { return }
        let bit: UInt64 = 1 << key.conventional.rawValue
        if state.knownStored & bit != 0 {
            event.labels[key.name] = text
        } else {
            state.knownStored |= bit
            if event.labels.isEmpty { event.labels.reserveCapacity(4) }
            event.labels.appendUnchecked(key: key.name, value: text)
        }
    }

    @inline(never)
    private static func takeAttribute(
        _ key: JSONLKey,
        _ keyToken: JSONLToken,
        _ value: JSONLToken,
        _ scanner: JSONLScanner,
        _ event: inout Event,
        _ state: inout State
    ) throws(JSONLError) {
        if key.isDefaultLabel {
            try scanner.refuseControlCharacters(value, field: scanner.keyName(key, keyToken), in: "a label value")
        }
        let attribute = try scanner.attributeValue(value, field: scanner.keyName(key, keyToken))
        guard let attribute, state.admit(key) else { return }
        storeKnown(key, attribute, &event, &state)
    }

    @inline(never)
    private static func takeOther(
        _ keyToken: JSONLToken,
        _ value: JSONLToken,
        _ scanner: JSONLScanner,
        _ event: inout Event,
        _ state: inout State
    ) throws(JSONLError) {
        let name = scanner.string(keyToken)
        guard let attribute = try scanner.attributeValue(value, field: name) else { return }
        let length = keyToken.end - keyToken.start
        let hash = length &* 31 &+ Int(scanner.base[keyToken.start]) &* 7 &+ Int(scanner.base[keyToken.end - 1])
        let bit: UInt64 = 1 << UInt64(hash & 63)
        if keyToken.hasEscapes || state.otherStored & bit != 0 {
            event.attributes[name] = attribute
        } else {
            state.otherStored |= bit
            append(name, attribute, &event)
        }
    }

    /// Scans and stores a reserved key's value; `false` means "this is a sample line".
    @inline(never)
    private static func takeReserved(
        _ key: JSONLKey,
        _ keyToken: JSONLToken,
        _ scanner: inout JSONLScanner,
        _ event: inout Event,
        _ state: inout State
    ) throws(JSONLError) -> Bool {
        // Timestamps are parsed in place when they are plain, without a separate string scan.
        if state.timing.takePlainTimestamp(key, &scanner) { return true }
        let value = try scanner.value(of: key, keyToken)
        switch key {
        case .event:
            event.name = try scanner.nonEmptyString(value, field: "event")
            state.hasName = true
        case .metric:
            guard !state.hasName else { throw eventAndMetric() }
            return false
        case .startTimestamp, .endTimestamp, .timestamp, .durationMilliseconds:
            try state.timing.take(key, value, scanner)
        case .success:
            switch value.kind {
            case .boolean: state.success = value.boolean
            case .null: break
            default: throw .field("success", .wrongType, "expected true or false, found \(value.typeDescription)")
            }
        case .status:
            if let status = try status(value, scanner) { state.status = status }
        case .error:
            if let text = try scanner.optionalString(value, field: "error") { event.error = text.isEmpty ? nil : text }
        case .errorAlias:
            if let text = try scanner.optionalString(value, field: "error.type") {
                state.errorType = text.isEmpty ? nil : text
            }
        case .traceID:
            if let text = try scanner.optionalString(value, field: "trace_id") { event.traceID = text }
        case .spanID:
            if let text = try scanner.optionalString(value, field: "span_id") { event.spanID = text }
        case .parentSpanID:
            if let text = try scanner.optionalString(value, field: "parent_span_id") { event.parentSpanID = text }
        default:
            // `value` means nothing special in an event: an attribute like any other.
            guard let attribute = try scanner.attributeValue(value, field: key.name) else { break }
            storeKnown(key, attribute, &event, &state)
        }
        return true
    }

    @inline(__always)
    private static func storeKnown(_ key: JSONLKey, _ value: AttributeValue, _ event: inout Event, _ state: inout State)
    {
        let bit: UInt64 = 1 << key.conventional.rawValue
        if state.knownStored & bit != 0 {
            event.attributes[key.name] = value
        } else {
            state.knownStored |= bit
            append(key.name, value, &event)
        }
    }

    @inline(__always)
    private static func append(_ name: String, _ value: AttributeValue, _ event: inout Event) {
        if event.attributes.isEmpty { event.attributes.reserveCapacity(8) }
        event.attributes.appendUnchecked(key: name, value: value)
    }

    static func status(_ value: JSONLToken, _ scanner: JSONLScanner) throws(JSONLError) -> EventStatus? {
        switch value.kind {
        case .string:
            if scanner.stringEquals(value, caseInsensitive: "ok") { return .ok }
            if scanner.stringEquals(value, caseInsensitive: "error") { return .error }
            if scanner.stringEquals(value, caseInsensitive: "timeout") { return .timeout }
            if scanner.stringEquals(value, caseInsensitive: "cancelled")
                || scanner.stringEquals(value, caseInsensitive: "canceled")
            {
                return .cancelled
            }
            throw .field(
                "status",
                .invalidValue,
                "expected one of ok, error, timeout, cancelled, found \(scanner.quoted(value))"
            )
        case .null:
            return nil
        default:
            throw .field(
                "status",
                .wrongType,
                "expected a string (ok, error, timeout or cancelled), found \(value.typeDescription)"
            )
        }
    }

    /// Settles the derived parts: the name check, the missing time or duration, the outcome.
    private static func finish(_ event: inout Event, _ state: State) throws(JSONLError) {
        guard state.hasName else {
            throw JSONLError(code: .missingField, reason: "missing \"event\"", field: "event")
        }
        let timing = try state.timing.settled()
        event.durationMilliseconds = timing.duration
        event.start = timing.start
        event.end = timing.end
        if event.error == nil, let errorType = state.errorType { event.error = errorType }
        event.status = state.status ?? state.success.map { $0 ? .ok : .error } ?? (event.error == nil ? .ok : .error)
    }

    static func eventAndMetric() -> JSONLError {
        JSONLError(
            code: .invalidValue,
            reason: "a line has either \"event\" (an event) or \"metric\" (a gauge sample), not both",
            field: "metric"
        )
    }
}
