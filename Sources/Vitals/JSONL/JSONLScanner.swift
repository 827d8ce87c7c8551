/// One scanned JSON value of a flat object: where it is in the line and, for numbers, what it is worth.
///
/// Strings are not copied while scanning: the decoder decides per key whether it needs a `String`, a
/// timestamp parsed in place, or a comparison against a few status words.
struct JSONLToken {
    enum Kind: UInt8 {
        case string, integer, double, boolean, null, object, array
    }

    var kind: Kind
    /// Whether a string contains backslash escapes (and so must be unescaped before use).
    var hasEscapes = false
    /// Strings: first byte after the opening quote. Other values: first byte of the value.
    var start: Int
    /// Strings: the index of the closing quote. Other values: one past the last byte.
    var end: Int
    /// The value of a number or boolean: an `Int64`'s or a `Double`'s bit pattern, or 1 for `true`.
    var payload: UInt64 = 0

    @inline(__always)
    init(kind: Kind, start: Int, end: Int, payload: UInt64 = 0) {
        self.kind = kind
        self.start = start
        self.end = end
        self.payload = payload
    }

    var integer: Int64 { Int64(bitPattern: payload) }
    var double: Double { Double(bitPattern: payload) }
    var boolean: Bool { payload != 0 }

    /// The JSON type name used in error messages (`found a string`).
    var typeDescription: String {
        switch kind {
        case .string: return "a string"
        case .integer, .double: return "a number"
        case .boolean: return boolean ? "true" : "false"
        case .null: return "null"
        case .object: return "an object"
        case .array: return "an array"
        }
    }
}

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
        guard count - index >= length else { throw syntax("unexpected end of line (truncated object?)") }
        for offset in 0..<length where base[index + offset] != literal.utf8Start[offset] {
            index += offset
            throw unexpected("'\(literal)'")
        }
        index += length
    }

    // MARK: Strings

    /// Scans a string starting at its opening quote; validates escapes, surrogate pairs and UTF-8.
    @inline(__always)
    private mutating func scanString() throws(JSONLError) -> JSONLToken {
        let start = index + 1
        var position = start
        // Plain ASCII runs are the common case: test eight bytes at a time for a quote, a backslash, a
        // control character or a non-ASCII byte, and jump straight to the first one found.
        while count - position >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            let mask = Self.attentionMask(word)
            if mask != 0 {
                position += mask.trailingZeroBitCount >> 3
                if base[position] == UInt8(ascii: "\"") {
                    index = position + 1
                    return JSONLToken(kind: .string, start: start, end: position)
                }
                break
            }
            position += 8
        }
        return try scanStringSlowly(start: start, from: position)
    }

    /// The rest of a string from `position` on, one byte at a time: escapes, non-ASCII, the last bytes of a line.
    private mutating func scanStringSlowly(start: Int, from resume: Int) throws(JSONLError) -> JSONLToken {
        var position = resume
        var hasEscapes = false
        while true {
            guard position < count else {
                index = position
                throw syntax("unterminated string (truncated line?)")
            }
            let byte = base[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                position = try scanEscape(at: position)
            } else if byte < 0x20 {
                index = position
                throw syntax("control character 0x\(hex(byte)) must be escaped in a string")
            } else if byte >= 0x80 {
                position += try utf8SequenceLength(at: position)
            } else {
                position += 1
            }
        }
        index = position + 1
        var token = JSONLToken(kind: .string, start: start, end: position)
        token.hasEscapes = hasEscapes
        return token
    }

    /// A mask with the high bit set in each byte of `word` (little-endian) that is a quote, a backslash, a
    /// control character or non-ASCII. Bytes above the first flagged one may be flagged wrongly (borrows
    /// propagate), so only the lowest set bit is meaningful: it marks exactly the first such byte.
    @inline(__always)
    private static func attentionMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote
        let hasBackslash = (backslash &- ones) & ~backslash
        let hasControl = word &- (ones &* 0x20)
        return (hasQuote | hasBackslash | hasControl | word) & highs
    }

    /// Validates the escape at `position` (a backslash) and returns the index after it.
    private mutating func scanEscape(at position: Int) throws(JSONLError) -> Int {
        guard position + 1 < count else {
            index = position
            throw syntax("unterminated string (truncated line?)")
        }
        switch base[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return position + 2
        case UInt8(ascii: "u"):
            let unit = try hexUnit(at: position + 2)
            if unit >= 0xDC00 && unit <= 0xDFFF {
                index = position
                throw syntax("lone surrogate \\u\(hex(unit)) in a string")
            }
            guard unit >= 0xD800 && unit <= 0xDBFF else { return position + 6 }
            guard count - position >= 12, base[position + 6] == UInt8(ascii: "\\"),
                base[position + 7] == UInt8(ascii: "u")
            else {
                index = position
                throw syntax("lone surrogate \\u\(hex(unit)) in a string")
            }
            let low = try hexUnit(at: position + 8)
            guard low >= 0xDC00 && low <= 0xDFFF else {
                index = position
                throw syntax("lone surrogate \\u\(hex(unit)) in a string")
            }
            return position + 12
        default:
            index = position
            throw syntax("invalid escape in a string")
        }
    }

    private mutating func hexUnit(at position: Int) throws(JSONLError) -> UInt32 {
        guard count - position >= 4 else {
            index = position
            throw syntax("\\u needs four hex digits")
        }
        var unit: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = Self.hexValue(base[position + offset]) else {
                index = position
                throw syntax("\\u needs four hex digits")
            }
            unit = unit << 4 | digit
        }
        return unit
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte &- UInt8(ascii: "a") &+ 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte &- UInt8(ascii: "A") &+ 10)
        default: return nil
        }
    }

    /// The length of the well-formed UTF-8 sequence at `position` (whose first byte is >= 0x80), rejecting
    /// overlong forms, encoded surrogates and code points above U+10FFFF.
    private mutating func utf8SequenceLength(at position: Int) throws(JSONLError) -> Int {
        guard let length = Self.utf8SequenceLength(base, position, count) else {
            index = position
            throw JSONLError(code: .invalidUTF8, reason: "invalid UTF-8 at byte \(position + 1)")
        }
        return length
    }

    static func utf8SequenceLength(_ base: UnsafePointer<UInt8>, _ position: Int, _ count: Int) -> Int? {
        let first = base[position]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch first {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard count - position >= length else { return nil }
        let second = base[position + 1]
        guard second >= low, second <= high else { return nil }
        for offset in 2..<max(length, 2) where base[position + offset] & 0xC0 != 0x80 { return nil }
        return length
    }

    /// Copies the string `token` into `out` with its escapes resolved; returns the number of bytes written.
    /// `out` needs `token.end - token.start` bytes: unescaping never makes a string longer.
    func unescape(_ token: JSONLToken, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var read = token.start
        var written = 0
        while read < token.end {
            let byte = base[read]
            guard byte == UInt8(ascii: "\\") else {
                out[written] = byte
                written += 1
                read += 1
                continue
            }
            let escaped = base[read + 1]
            read += 2
            let simple: UInt8
            switch escaped {
            case UInt8(ascii: "b"): simple = 0x08
            case UInt8(ascii: "f"): simple = 0x0C
            case UInt8(ascii: "n"): simple = 0x0A
            case UInt8(ascii: "r"): simple = 0x0D
            case UInt8(ascii: "t"): simple = 0x09
            case UInt8(ascii: "u"):
                var scalar = hexUnitUnchecked(at: read)
                read += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    // The scanner has checked that a low surrogate follows.
                    let low = hexUnitUnchecked(at: read + 2)
                    read += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                written += Self.encodeUTF8(scalar, into: out + written)
                continue
            default: simple = escaped  // `"`, `\` and `/` stand for themselves
            }
            out[written] = simple
            written += 1
        }
        return written
    }

    private func hexUnitUnchecked(at position: Int) -> UInt32 {
        var unit: UInt32 = 0
        for offset in 0..<4 { unit = unit << 4 | (Self.hexValue(base[position + offset]) ?? 0) }
        return unit
    }

    private static func encodeUTF8(_ scalar: UInt32, into out: UnsafeMutablePointer<UInt8>) -> Int {
        switch scalar {
        case 0..<0x80:
            out[0] = UInt8(scalar)
            return 1
        case 0x80..<0x800:
            out[0] = UInt8(0xC0 | scalar >> 6)
            out[1] = UInt8(0x80 | scalar & 0x3F)
            return 2
        case 0x800..<0x10000:
            out[0] = UInt8(0xE0 | scalar >> 12)
            out[1] = UInt8(0x80 | scalar >> 6 & 0x3F)
            out[2] = UInt8(0x80 | scalar & 0x3F)
            return 3
        default:
            out[0] = UInt8(0xF0 | scalar >> 18)
            out[1] = UInt8(0x80 | scalar >> 12 & 0x3F)
            out[2] = UInt8(0x80 | scalar >> 6 & 0x3F)
            out[3] = UInt8(0x80 | scalar & 0x3F)
            return 4
        }
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
