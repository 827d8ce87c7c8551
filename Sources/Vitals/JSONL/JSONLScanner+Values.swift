/// Turning scanned tokens into the values the wire format asks for, with the field named in every error.
///
/// Field names are passed as autoclosures: they are only built when something is wrong.
extension JSONLScanner {
    /// The string a `.string` token holds, escapes resolved.
    @inline(__always)
    func string(_ token: JSONLToken) -> String {
        guard token.hasEscapes else { return Self.makeString(base + token.start, token.end - token.start) }
        return unescapedString(token)
    }

    private func unescapedString(_ token: JSONLToken) -> String {
        let length = token.end - token.start
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(length, 1)) { scratch in
            let written = unescape(token, into: scratch.baseAddress!)
            return Self.makeString(UnsafePointer(scratch.baseAddress!), written)
        }
    }

    /// A string from UTF-8 bytes the scanner has already validated. Of the standard library's initializers,
    /// this one does the least work per string (measured), which matters at several strings per line.
    @inline(__always)
    static func makeString(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> String {
        guard count > 0 else { return "" }
        return String(unsafeUninitializedCapacity: count) { buffer in
            buffer.baseAddress!.initialize(from: bytes, count: count)
            return count
        }
    }

    /// The token's bytes exactly as written (a number's text, `true`).
    func rawText(_ token: JSONLToken) -> String {
        Self.makeString(base + token.start, token.end - token.start)
    }

    /// The value after a key, with any error naming that key as its field.
    @inline(__always)
    mutating func value(of key: JSONLKey, _ keyToken: JSONLToken) throws(JSONLError) -> JSONLToken {
        do throws(JSONLError) {
            return try value()
        } catch {
            throw error.inField(keyName(key, keyToken))
        }
    }

    /// The name of a key token: a literal for known keys, otherwise built from the bytes.
    func keyName(_ key: JSONLKey, _ token: JSONLToken) -> String {
        if !token.hasEscapes, let name = key.wireName { return name }  // no string to build
        return string(token)
    }

    /// A short quotation of a value for messages, cut at 60 characters.
    func quoted(_ token: JSONLToken) -> String {
        let text = token.kind == .string ? string(token) : rawText(token)
        let shown = text.count > 60 ? text.prefix(57) + "..." : Substring(text)
        return token.kind == .string ? "\"\(shown)\"" : String(shown)
    }

    /// A non-empty string (`event`, `metric`).
    func nonEmptyString(_ token: JSONLToken, field: @autoclosure () -> String) throws(JSONLError) -> String {
        guard token.kind == .string else {
            throw .field(field(), .wrongType, "expected a non-empty string, found \(token.typeDescription)")
        }
        guard token.end > token.start else {
            throw .field(field(), .invalidValue, "expected a non-empty string, found \"\"")
        }
        try refuseControlCharacters(token, field: field(), in: "a name")
        return string(token)
    }

    /// A string, or `nil` for null.
    func optionalString(_ token: JSONLToken, field: @autoclosure () -> String) throws(JSONLError) -> String? {
        switch token.kind {
        case .string: return string(token)
        case .null: return nil
        default: throw .field(field(), .wrongType, "expected a string, found \(token.typeDescription)")
        }
    }

    /// A finite number as a `Double`, or `nil` for null.
    func optionalNumber(_ token: JSONLToken, field: @autoclosure () -> String) throws(JSONLError) -> Double? {
        switch token.kind {
        case .integer: return Double(token.integer)
        case .double: return token.double
        case .null: return nil
        default: throw .field(field(), .wrongType, "expected a number, found \(token.typeDescription)")
        }
    }

    /// An RFC 3339 timestamp, or `nil` for null.
    func optionalTimestamp(_ token: JSONLToken, field: @autoclosure () -> String) throws(JSONLError) -> Timestamp? {
        switch token.kind {
        case .string: break
        case .null: return nil
        default:
            throw .field(field(), .wrongType, "expected an RFC 3339 timestamp string, found \(token.typeDescription)")
        }
        let result: Result<Timestamp, RFC3339Failure>
        if token.hasEscapes {
            var text = string(token)
            result = text.withUTF8 { RFC3339.parse(UnsafeRawBufferPointer($0)) }
        } else {
            result = RFC3339.parse(UnsafeRawBufferPointer(start: base + token.start, count: token.end - token.start))
        }
        switch result {
        case .success(let timestamp):
            return timestamp
        case .failure(let failure):
            throw .field(field(), .invalidValue, "invalid RFC 3339 timestamp \(quoted(token)): \(failure.reason)")
        }
    }

    /// The text of a label: strings as they are, numbers as written; `nil` for null.
    @inline(__always)
    func labelText(
        _ token: JSONLToken,
        field: @autoclosure () -> String,
        allowBoolean: Bool
    ) throws(JSONLError)
        -> String?
    {
        switch token.kind {
        case .string:
            try refuseControlCharacters(token, field: field(), in: "a label value")
            return string(token)
        case .integer, .double: return rawText(token)
        case .boolean where allowBoolean: return token.boolean ? "true" : "false"
        case .null: return nil
        case .object, .array: throw nested(field())
        case .boolean:
            throw .field(field(), .wrongType, "expected a string or a number, found \(token.typeDescription)")
        }
    }

    /// The value of an attribute; `nil` for null.
    func attributeValue(_ token: JSONLToken, field: @autoclosure () -> String) throws(JSONLError) -> AttributeValue? {
        switch token.kind {
        case .string: return .string(string(token))
        case .integer: return .int(token.integer)
        case .double: return .double(token.double)
        case .boolean: return .bool(token.boolean)
        case .null: return nil
        case .object, .array: throw nested(field())
        }
    }

    func nested(_ field: String) -> JSONLError {
        .field(field, .unsupportedNesting, "nested objects and arrays are not supported")
    }

    /// Whether a string token equals `word`, ignoring ASCII case.
    func stringEquals(_ token: JSONLToken, caseInsensitive word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard !token.hasEscapes, token.end - token.start == length else { return false }
        for offset in 0..<length where base[token.start + offset] | 0x20 != word.utf8Start[offset] { return false }
        return true
    }
}
