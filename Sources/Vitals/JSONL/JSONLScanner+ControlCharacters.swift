/// Names and labels free of control characters.
///
/// A name or a label value is an identifier: it is compared, stored as text, written into `/metrics` and into
/// log lines. An ASCII control character (U+0000–U+001F, U+007F) has no place in one and does harm there: a
/// NUL ends the text for a C API (an event name `a\u0000b` was stored as `a`, merging with event `a`), a line
/// break splits a scrape or a log line. JSON lets a string carry them as escapes, so the decoder refuses them,
/// naming the field, in `event`, `metric`, every key that is not a reserved one, every label value, and the
/// values of the attributes that make series by default (`model`, `provider`, `tool`, `phase`, `route`, `stage`,
/// `tier`).
/// Other attribute values are free text (an error message may span lines) and keep them.
extension JSONLScanner {
    /// Refuses a string token that stands for a control character, naming the field and what the string is.
    ///
    /// - Parameters:
    ///   - token: Any token; only strings are checked.
    ///   - field: The key the value belongs to.
    ///   - role: What the string is, for the message: `a name`, `a label value`, `a key`.
    @inline(__always)
    func refuseControlCharacters(
        _ token: JSONLToken,
        field: @autoclosure () -> String,
        in role: StaticString
    ) throws(JSONLError) {
        guard token.kind == .string, let scalar = controlCharacter(in: token) else { return }
        throw .field(field(), .invalidValue, "control character U+\(Self.codePoint(scalar)) is not allowed in \(role)")
    }

    /// Refuses a key that stands for a control character; the field shown is the key with its control
    /// characters written as `\u` escapes, so that the message itself holds none.
    @inline(__always)
    func refuseControlCharacters(inKey token: JSONLToken) throws(JSONLError) {
        guard let scalar = controlCharacter(in: token) else { return }
        let shown = string(token).unicodeScalars.map { scalar in
            scalar.value < 0x20 || scalar.value == 0x7F ? "\\u\(Self.codePoint(scalar.value))" : String(scalar)
        }
        throw .field(
            shown.joined(),
            .invalidValue,
            "control character U+\(Self.codePoint(scalar)) is not allowed in a key"
        )
    }

    /// The first control character a scanned string token stands for (as a byte or as an escape), or `nil`.
    /// Raw bytes below 0x20 never reach here (the scanner refuses them unescaped); DEL may, and escapes may.
    func controlCharacter(in token: JSONLToken) -> UInt32? {
        // Without escapes only a raw DEL can be there, and the scan of the string noted it.
        if !token.hasEscapes { return token.hasDelete ? 0x7F : nil }
        var position = token.start
        while position < token.end {
            let byte = base[position]
            if byte < 0x20 || byte == 0x7F { return UInt32(byte) }
            guard byte == UInt8(ascii: "\\") else {
                position += 1
                continue
            }
            // The scanner has checked every escape, so the bytes it needs are there.
            switch base[position + 1] {
            case UInt8(ascii: "b"): return 0x08
            case UInt8(ascii: "f"): return 0x0C
            case UInt8(ascii: "n"): return 0x0A
            case UInt8(ascii: "r"): return 0x0D
            case UInt8(ascii: "t"): return 0x09
            case UInt8(ascii: "u"):
                var unit: UInt32 = 0
                for offset in 2..<6 { unit = unit << 4 | (Self.hexValue(base[position + offset]) ?? 0) }
                if unit < 0x20 || unit == 0x7F { return unit }
                position += 6
            default:
                position += 2
            }
        }
        return nil
    }

    /// Four uppercase hex digits: `0000`, `007F`.
    private static func codePoint(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension JSONLKey {
    /// Whether the key is an attribute that is a series label by default (`SeriesKey.defaultLabelKeys`),
    /// so that its value is held to the rules of a label value.
    var isDefaultLabel: Bool {
        switch self {
        case .model, .provider, .tool, .phase, .route, .stage, .tier, .modelAlias, .providerAlias, .toolAlias:
            return true
        default: return false
        }
    }
}
