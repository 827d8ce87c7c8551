/// A forward-only scanner over the bytes of one line holding a flat JSON object.
///
/// It enforces the JSON grammar (RFC 8259) and UTF-8 validity as it goes, and stops at the first nested
/// object or array, which the wire format does not allow. Byte positions in messages are 1-based.
struct JSONLScanner {
    let base: UnsafePointer<UInt8>
    let count: Int
    var index = 0
    private var expectsFirstKey = true

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    // MARK: Structure

    /// Consumes the opening `{`.
    @inline(__always)
    mutating func beginObject() throws(JSONLError) {
        skipWhitespace()
        guard index < count else { throw syntax("empty line") }
        guard base[index] == UInt8(ascii: "{") else {
            throw syntax("expected a JSON object starting with '{'")
        }
        index += 1
    }

    /// Scans the next key and the `:` after it, or returns `nil` at the closing `}` (after checking that only
    /// whitespace follows it). The key comes back classified, with its token for building its name.
    @inline(__always)
    mutating func nextField() throws(JSONLError) -> (key: JSONLKey, token: JSONLToken)? {
        skipWhitespace()
        guard index < count else { throw syntax("unexpected end of line (truncated object?)") }
        var byte = base[index]
        if expectsFirstKey {
            expectsFirstKey = false
            if byte == UInt8(ascii: "}") { return try finishObject() }
        } else {
            if byte == UInt8(ascii: "}") { return try finishObject() }
            guard byte == UInt8(ascii: ",") else { throw unexpected("',' or '}' after a value") }
            index += 1
            skipWhitespace()
            guard index < count else { throw syntax("unexpected end of line (truncated object?)") }
            byte = base[index]
        }
        guard byte == UInt8(ascii: "\"") else { throw unexpected("a key in double quotes") }
        let key: JSONLKey
        let token: JSONLToken
        if let (known, length) = JSONLKey.match(base + index + 1, available: count - index - 1) {
            key = known
            token = JSONLToken(kind: .string, start: index + 1, end: index + 1 + length)
            index += length + 2
        } else {
            token = try scanString()
            key =
                token.hasEscapes
                ? JSONLKey.classify(string(token)) : JSONLKey.classify(base + token.start, token.end - token.start)
        }
        if key == .other { try refuseControlCharacters(inKey: token) }
        skipWhitespace()
        guard index < count else { throw syntax("unexpected end of line (truncated object?)") }
        guard base[index] == UInt8(ascii: ":") else { throw unexpected("':' after a key") }
        index += 1
        return (key, token)
    }

    private mutating func finishObject() throws(JSONLError) -> (key: JSONLKey, token: JSONLToken)? {
        index += 1
        skipWhitespace()
        guard index == count else { throw unexpected("nothing after the closing '}'") }
        return nil
    }

    /// Scans one value. Objects and arrays are reported as such without being scanned.
    @inline(__always)
    mutating func value() throws(JSONLError) -> JSONLToken {
        skipWhitespace()
        guard index < count else { throw syntax("unexpected end of line (truncated object?)") }
        let byte = base[index]
        switch byte {
        case UInt8(ascii: "\""):
            return try scanString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try scanNumber()
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return JSONLToken(kind: .boolean, start: index - 4, end: index, payload: 1)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return JSONLToken(kind: .boolean, start: index - 5, end: index)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return JSONLToken(kind: .null, start: index - 4, end: index)
        case UInt8(ascii: "{"):
            return JSONLToken(kind: .object, start: index, end: index + 1)
        case UInt8(ascii: "["):
            return JSONLToken(kind: .array, start: index, end: index + 1)
        default:
            throw unexpected("a value")
        }
    }

    /// A timestamp string at the current position parsed in place, without scanning it as a string first
    /// (its bytes are all checked by the parser). `nil`, with nothing consumed, when the value is anything
    /// else or not a valid timestamp, for the general path to scan and report.
    @inline(__always)
    mutating func plainTimestamp() -> Timestamp? {
        skipWhitespace()
        guard count - index > 2, base[index] == UInt8(ascii: "\"") else { return nil }
        var timestamp = Timestamp(nanosecondsSinceEpoch: 0)
        var length = 0
        guard RFC3339.parse(base + index + 1, count - index - 1, timestamp: &timestamp, end: &length) == nil else {
            return nil
        }
        let close = index + 1 + length
        guard close < count, base[close] == UInt8(ascii: "\"") else { return nil }
        index = close + 1
        return timestamp
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        // Most lines have no whitespace at all: one comparison settles it.
        while index < count, base[index] <= UInt8(ascii: " ") {
            let byte = base[index]
            guard
                byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
                    || byte == UInt8(ascii: "\n")
            else { return }
            index += 1
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONLError) {
        let length = literal.utf8CodeUnitCount
        for offset in 0..<min(length, count - index) where base[index + offset] != literal.utf8Start[offset] {
            index += offset
            throw unexpected("'\(literal)'")
        }
        guard count - index >= length else {
            index = count
            throw syntax("unexpected end of line (truncated object?)")
        }
        index += length
    }

    // MARK: Errors

    func syntax(_ message: String) -> JSONLError {
        JSONLError(code: .invalidJSON, reason: "invalid JSON at byte \(index + 1): \(message)")
    }

    /// An error for an unexpected byte at `index`; a byte that is not valid UTF-8 is reported as such.
    func unexpected(_ expected: String) -> JSONLError {
        guard index < count else { return syntax("unexpected end of line, expected \(expected)") }
        let byte = base[index]
        if byte >= 0x80 && Self.utf8SequenceLength(base, index, count) == nil {
            return JSONLError(code: .invalidUTF8, reason: "invalid UTF-8 at byte \(index + 1)")
        }
        let shown = byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(hex(byte))"
        return syntax("expected \(expected), found \(shown)")
    }

    func hex(_ value: some BinaryInteger) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        let width = value > 0xFF ? 4 : 2
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
