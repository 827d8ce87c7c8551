/// Strings: scanning with validation of escapes, surrogate pairs and UTF-8, and unescaping.
extension JSONLScanner {
    /// Scans a string starting at its opening quote; validates escapes, surrogate pairs and UTF-8.
    @inline(__always)
    mutating func scanString() throws(JSONLError) -> JSONLToken {
        let start = index + 1
        var position = start
        // Plain ASCII runs are the common case: test eight bytes at a time for a quote, a backslash, a
        // control character, DEL or a non-ASCII byte, and jump straight to the first one found.
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
        var hasDelete = false
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
                // JSON allows a raw DEL; names, keys and label values do not (``controlCharacter(in:)``).
                if byte == 0x7F { hasDelete = true }
                position += 1
            }
        }
        index = position + 1
        var token = JSONLToken(kind: .string, start: start, end: position)
        token.hasEscapes = hasEscapes
        token.hasDelete = hasDelete
        return token
    }

    /// A mask with the high bit set in each byte of `word` (little-endian) that is a quote, a backslash, a
    /// control character, DEL or non-ASCII. Bytes above the first flagged one may be flagged wrongly (borrows
    /// propagate), so only the lowest set bit is meaningful: it marks exactly the first such byte.
    @inline(__always)
    private static func attentionMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote
        let hasBackslash = (backslash &- ones) & ~backslash
        let delete = word ^ (ones &* 0x7F)
        let hasDelete = (delete &- ones) & ~delete
        let hasControl = word &- (ones &* 0x20)
        return (hasQuote | hasBackslash | hasDelete | hasControl | word) & highs
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
}
