#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a summary needs from one event line, read without building the event: byte ranges into the line for
/// the name, the model, the tool and the `--by` values, and the numbers it adds up.
///
/// Ranges point into the line's bytes and are valid only as long as those bytes are.
struct EventFacts {
    /// A byte range of the line (a string's contents without its quotes, or a number as written).
    struct Span: Equatable {
        var start: Int
        var end: Int
    }

    var name = Span(start: 0, end: 0)
    var durationMilliseconds = 0.0
    var status = EventStatus.ok
    var model: Span?
    var tool: Span?
    var usage = UsageTotals.Usage()
    /// One entry per `--by` key, in order; `nil` where the line has no value for it.
    var groupValues: [Span?] = []
}

/// The `--by` keys of a summary, classified once: a line's key finds the `--by` positions it fills by a lookup,
/// however many keys there are.
struct GroupKeyPlan: Sendable {
    /// How many `--by` keys there are.
    var count: Int { isStatus.count }
    /// Per `--by` position, whether it names the event's outcome (`status`), which no line key fills.
    let isStatus: [Bool]
    /// Whether lines can be read as facts at all: grouping by `value` (a reserved key that events keep as an
    /// attribute) is left to the full decoder.
    let readsFacts: Bool
    /// Per `JSONLKey` raw value, the first `--by` position that a label or conventional attribute fills (-1:
    /// none). Reserved keys and aliases never reach labels or attributes, so they fill none.
    private let firstOfKnown: [Int]
    /// The first `--by` position of every other key, by its bytes.
    private let firstOfOther: BytePositions
    /// Per `--by` position, the next position naming the same key (-1: none).
    private let nextOfSame: [Int]

    init(_ keys: [String]) {
        isStatus = keys.map { $0 == WireKey.status }
        readsFacts = !keys.contains("value")
        var firstOfKnown = Array(repeating: -1, count: Int(JSONLKey.other.rawValue) + 1)
        var firstOfOther = BytePositions()
        var nextOfSame = Array(repeating: -1, count: keys.count)
        var lastOfKey: [String: Int] = [:]
        for (position, key) in keys.enumerated() where key != WireKey.status {
            if let last = lastOfKey[key] {
                nextOfSame[last] = position
            } else {
                let known = JSONLKey.classify(key)
                switch known.role {
                case .other:
                    _ = Array(key.utf8).withUnsafeBytes { firstOfOther.position(of: $0) { position } }
                case .identity, .attribute:
                    if !known.isAlias { firstOfKnown[Int(known.rawValue)] = position }
                case .reserved:
                    break
                }
            }
            lastOfKey[key] = position
        }
        self.firstOfKnown = firstOfKnown
        self.firstOfOther = firstOfOther
        self.nextOfSame = nextOfSame
    }

    /// The first `--by` position that a line's key fills (its bytes are `name`), or -1.
    @inline(__always)
    func firstPosition(of key: JSONLKey, named name: UnsafeRawBufferPointer) -> Int {
        key == .other ? firstOfOther.position(of: name) ?? -1 : firstOfKnown[Int(key.rawValue)]
    }

    /// The next `--by` position naming the same key as `position`, or -1.
    @inline(__always)
    func nextPosition(after position: Int) -> Int { nextOfSame[position] }
}

/// Reads the ``EventFacts`` of a line with the same scanner and the same checks as ``EventLineDecoder``, but
/// without building strings, labels or attributes.
///
/// It answers `false` for any line it does not take on in full: bad lines (the full decoder then reports the
/// error), gauge samples, keys written twice, OpenTelemetry aliases, escapes in the strings it keeps, and
/// `--by` values that are not plain strings. The caller decodes those lines the ordinary way, so every line
/// the summary counts has exactly the outcome, duration, tokens and names the full decoder would give it.
enum EventFactsDecoder {
    /// Reads the facts of `line` into `facts`; `false` when the line must go through the full decoder.
    static func facts(
        line: UnsafeRawBufferPointer,
        maximumLineLength: Int,
        groupKeys: GroupKeyPlan,
        into facts: inout EventFacts
    ) -> Bool {
        var count = line.count
        guard count > 0, let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        if base[count - 1] == UInt8(ascii: "\r") { count -= 1 }
        guard count <= maximumLineLength else { return false }
        var scanner = JSONLScanner(base: base, count: count)
        do throws(JSONLError) {
            return try read(&scanner, groupKeys, &facts)
        } catch {
            return false
        }
    }

    /// The parts of a line that settle the event's timing and outcome once every key is read.
    private struct Timing {
        var hasName = false
        var times = LineTiming()
        var status: EventStatus?
        var success: Bool?
        var hasError = false
        var hasErrorType = false
        /// Known keys seen, one bit per `JSONLKey` raw value.
        var seen: UInt64 = 0
        /// `ttft_ms` and `tokens_per_s` seen.
        var seenOther: UInt8 = 0
    }

    private static func read(
        _ scanner: inout JSONLScanner,
        _ groupKeys: GroupKeyPlan,
        _ facts: inout EventFacts
    ) throws(JSONLError) -> Bool {
        facts.model = nil
        facts.tool = nil
        facts.usage = UsageTotals.Usage()
        if groupKeys.count > 0 {
            facts.groupValues.removeAll(keepingCapacity: true)
            facts.groupValues.append(contentsOf: repeatElement(nil, count: groupKeys.count))
        }
        var timing = Timing()
        try scanner.beginObject()
        while let (key, keyToken) = try scanner.nextField() {
            if key != .other {
                // A repeated key is settled by the full decoder's rules for replacing values.
                let bit: UInt64 = 1 << UInt64(key.rawValue)
                guard timing.seen & bit == 0, !key.isAlias || key == .errorAlias else { return false }
                timing.seen |= bit
            }
            if key.role == .reserved {
                guard try takeReserved(key, keyToken, &scanner, &facts, &timing) else { return false }
                continue
            }
            let value = try scanner.value(of: key, keyToken)
            switch value.kind {
            case .object, .array: return false
            case .null: continue
            default: break
            }
            switch key.role {
            case .identity:
                // A label: a string without control characters, or a number.
                if value.kind == .boolean { return false }
                if value.kind == .string, scanner.controlCharacter(in: value) != nil { return false }
            case .attribute:
                if key.isDefaultLabel, scanner.controlCharacter(in: value) != nil { return false }
                guard takeAttribute(key, value, &facts) else { return false }
            case .other, .reserved:
                guard !keyToken.hasEscapes, takeOther(keyToken, value, scanner, &facts, &timing) else { return false }
            }
            if groupKeys.count > 0 {
                guard group(key, keyToken, value, scanner, groupKeys, &facts) else { return false }
            }
        }
        return try finish(&facts, timing)
    }

    /// Reads a reserved key's value; `false` hands the line to the full decoder.
    @inline(__always)
    private static func takeReserved(
        _ key: JSONLKey,
        _ keyToken: JSONLToken,
        _ scanner: inout JSONLScanner,
        _ facts: inout EventFacts,
        _ timing: inout Timing
    ) throws(JSONLError) -> Bool {
        // Timestamps are parsed in place when they are plain, as the full decoder does.
        if timing.times.takePlainTimestamp(key, &scanner) { return true }
        if key == .metric { return false }
        let value = try scanner.value(of: key, keyToken)
        switch key {
        case .event:
            guard value.kind == .string, !value.hasEscapes, !value.hasDelete, value.end > value.start else {
                return false
            }
            facts.name = EventFacts.Span(start: value.start, end: value.end)
            timing.hasName = true
        case .startTimestamp, .endTimestamp, .timestamp, .durationMilliseconds:
            try timing.times.take(key, value, scanner)
        case .success:
            switch value.kind {
            case .boolean: timing.success = value.boolean
            case .null: break
            default: return false
            }
        case .status:
            timing.status = try EventLineDecoder.status(value, scanner)
        case .error, .errorAlias, .traceID, .spanID, .parentSpanID:
            switch value.kind {
            case .string:
                if key == .error { timing.hasError = value.end > value.start }
                if key == .errorAlias { timing.hasErrorType = value.end > value.start }
            case .null: break
            default: return false
            }
        default:
            // `value`: an attribute like any other.
            switch value.kind {
            case .object, .array: return false
            default: break
            }
        }
        return true
    }

    /// Keeps what the summary reads of a conventional attribute (`model`, `tool`, tokens, cost).
    @inline(__always)
    private static func takeAttribute(_ key: JSONLKey, _ value: JSONLToken, _ facts: inout EventFacts) -> Bool {
        switch key {
        case .model, .tool:
            // Text with escapes would need unescaping to be compared: left to the full decoder.
            guard value.kind == .string else { return true }
            guard !value.hasEscapes else { return false }
            let span = EventFacts.Span(start: value.start, end: value.end)
            if key == .model { facts.model = span } else { facts.tool = span }
        case .promptTokens:
            if let number = value.number { facts.usage.promptTokens = number }
        case .completionTokens:
            if let number = value.number { facts.usage.completionTokens = number }
        case .totalTokens:
            if let number = value.number { facts.usage.totalTokens = number }
        case .costUSD:
            if let number = value.number { facts.usage.costUSD = number }
        default:
            break
        }
        return true
    }

    /// Keeps `ttft_ms` and `tokens_per_s`, the two keys outside the reserved set that the summary adds up.
    @inline(__always)
    private static func takeOther(
        _ keyToken: JSONLToken,
        _ value: JSONLToken,
        _ scanner: JSONLScanner,
        _ facts: inout EventFacts,
        _ timing: inout Timing
    ) -> Bool {
        let length = keyToken.end - keyToken.start
        guard length == 7 || length == 12 else { return true }
        let key = scanner.base + keyToken.start
        let bit: UInt8
        // `WireKey.timeToFirstTokenMilliseconds` and `WireKey.tokensPerSecond`, as bytes.
        if length == 7, memcmp(key, ("ttft_ms" as StaticString).utf8Start, 7) == 0 {
            bit = 1
        } else if length == 12, memcmp(key, ("tokens_per_s" as StaticString).utf8Start, 12) == 0 {
            bit = 2
        } else {
            return true
        }
        guard timing.seenOther & bit == 0 else { return false }
        timing.seenOther |= bit
        if bit == 1 {
            facts.usage.timeToFirstTokenMilliseconds = value.number
        } else {
            facts.usage.tokensPerSecond = value.number
        }
        return true
    }

    /// Records the value of a `--by` key; numbers and booleans (whose text the full path formats) and strings
    /// with escapes are left to the full decoder.
    private static func group(
        _ key: JSONLKey,
        _ keyToken: JSONLToken,
        _ value: JSONLToken,
        _ scanner: JSONLScanner,
        _ groupKeys: GroupKeyPlan,
        _ facts: inout EventFacts
    ) -> Bool {
        let name = UnsafeRawBufferPointer(start: scanner.base + keyToken.start, count: keyToken.end - keyToken.start)
        var position = groupKeys.firstPosition(of: key, named: name)
        while position >= 0 {
            if value.kind == .string && !value.hasEscapes {
                facts.groupValues[position] = EventFacts.Span(start: value.start, end: value.end)
            } else if key.role == .identity && (value.kind == .integer || value.kind == .double) {
                facts.groupValues[position] = EventFacts.Span(start: value.start, end: value.end)  // as written
            } else {
                return false
            }
            position = groupKeys.nextPosition(after: position)
        }
        return true
    }

    private static func finish(_ facts: inout EventFacts, _ timing: Timing) throws(JSONLError) -> Bool {
        guard timing.hasName else { return false }
        let settled = try timing.times.settled()
        facts.durationMilliseconds = settled.duration
        let hasError = timing.hasError || timing.hasErrorType
        facts.status = timing.status ?? timing.success.map { $0 ? .ok : .error } ?? (hasError ? .error : .ok)
        return true
    }
}

extension JSONLToken {
    /// A number token's value as the full decoder stores it (an integer converted exactly as `doubleValue`
    /// does); `nil` for any other kind.
    @inline(__always)
    fileprivate var number: Double? {
        switch kind {
        case .integer: return Double(integer)
        case .double: return double
        default: return nil
        }
    }
}
