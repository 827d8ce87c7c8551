import Vitals

/// A JSON document built in code and written with stable key order, for the `json` output formats.
enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    func hash(into hasher: inout Hasher) { hasher.combine(serialized()) }

    /// `nil` becomes `null`; non-finite numbers too.
    static func number(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .number(value)
    }

    static func string(_ value: String?) -> JSONValue {
        value.map { .string($0) } ?? .null
    }

    /// Pretty-printed with two-space indentation, by the core's ``JSONWriter``.
    func serialized() -> String {
        var writer = JSONWriter(indented: true)
        write(nil, to: &writer)
        return writer.text
    }

    private func write(_ key: String?, to writer: inout JSONWriter) {
        switch self {
        case .null: writer.null(key)
        case .bool(let value): writer.bool(key, value)
        case .number(let value): writer.number(key, value)
        case .string(let value): writer.string(key, value)
        case .array(let items):
            writer.beginArray(key)
            for item in items { item.write(nil, to: &writer) }
            writer.endArray()
        case .object(let members):
            writer.beginObject(key)
            for (name, value) in members { value.write(name, to: &writer) }
            writer.endObject()
        }
    }
}
