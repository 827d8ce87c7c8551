/// The value of an event attribute: a string, a number or a boolean, exactly what a flat JSON object holds.
///
/// Whole numbers that fit in 64 bits stay integers (`prompt_tokens: 1234`), everything else numeric is a
/// `Double`, so that a line written back has the same shape it was read with.
public enum AttributeValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)

    /// The numeric value of an `.int` or `.double`; `nil` for strings and booleans.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        case .string, .bool: return nil
        }
    }

    /// The string of a `.string`; `nil` otherwise.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The label this value makes when its key is a series label key: a string as it is, an integer in decimal
    /// (`"tier": 1` makes `tier="1"`), a boolean as `true`/`false`; `nil` for a fractional number, which is a
    /// measurement (and whose text is not one value: `1.0`, `1`, `1e0`).
    ///
    /// The one rule of the store and of `/metrics`; it agrees with ``description``, which rules evaluated over a
    /// file compare, for every value it returns.
    @inline(__always)
    package var labelText: String? {
        switch self {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .double: return nil
        }
    }

    /// The value as text: strings as they are, numbers in their shortest exact form, booleans as `true`/`false`.
    public var description: String {
        switch self {
        case .string(let value): return value
        case .int(let value): return String(value)
        case .double(let value): return Self.format(value)
        case .bool(let value): return value ? "true" : "false"
        }
    }

    /// Formats a double the way the JSONL writer does: integral values without a fraction (`111`), others in
    /// the shortest form that reads back to the same value (`111.111`).
    package static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(value)
    }
}

extension AttributeValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
