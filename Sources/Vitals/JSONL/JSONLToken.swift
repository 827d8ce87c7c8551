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
    /// Whether a string contains a raw DEL (0x7F), which JSON allows and names, keys and label values do not.
    var hasDelete = false
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
