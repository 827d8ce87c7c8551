import Logging
import Vitals

/// One value of a log line: text, or a number or boolean written bare.
enum LogFieldValue: Sendable, Equatable {
    case text(String)
    /// Already formatted as a JSON number.
    case number(String)
    case bool(Bool)
}

/// The ordered, de-duplicated fields of one log line and their two renderings.
struct LogFields {
    private(set) var fields: [(key: String, value: LogFieldValue)] = []

    /// Attributes that say what the line is about, written right after the message, in this order.
    static let leadingKeys = [
        WireKey.phase, WireKey.tool, WireKey.model, WireKey.provider, WireKey.durationMilliseconds, WireKey.status,
    ]
    /// Keys of the line itself; metadata with one of these keys is written as `meta_<key>`.
    static let reservedKeys: Set<String> = [WireKey.timestamp, "level", WireKey.event, "msg"]
    /// Wire keys whose values are numbers: a string metadata value of these keys that reads as a finite number is
    /// written as a number, so that a JSON line is a valid event line.
    static let numericKeys: Set<String> = [
        WireKey.durationMilliseconds, WireKey.value, WireKey.promptTokens, WireKey.completionTokens,
        WireKey.cachedTokens, WireKey.totalTokens, WireKey.costUSD, WireKey.confidence, WireKey.memoryMB,
        WireKey.quality, "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
    ]

    mutating func append(_ key: String, _ value: LogFieldValue) {
        fields.append((key, value))
    }

    /// Appends `pairs` (context, metadata, error; a later pair wins on a shared key) with the leading keys first.
    mutating func appendMerged(_ pairs: [(String, LogFieldValue)]) {
        var order: [String] = []
        var values: [String: LogFieldValue] = [:]
        for (key, value) in pairs {
            let key = Self.reservedKeys.contains(key) ? "meta_" + key : key
            if values.updateValue(value, forKey: key) == nil { order.append(key) }
        }
        for key in Self.leadingKeys {
            if let value = values.removeValue(forKey: key) { fields.append((key, value)) }
        }
        for key in order {
            if let value = values.removeValue(forKey: key) { fields.append((key, value)) }
        }
    }

    /// Whether `message` is one word that can stand as an event name: letters, digits, `_`, `.`, `-`, `:`, `/`.
    static func isWord(_ message: String) -> Bool {
        !message.isEmpty && message.utf8.count <= 128
            && message.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x5F || byte == 0x2E || byte == 0x2D || byte == 0x3A || byte == 0x2F
            }
    }

    /// Metadata as fields, keys sorted, nested dictionaries flattened with dots.
    static func flatten(_ metadata: Logger.Metadata, limit: Int) -> [(String, LogFieldValue)] {
        var result: [(String, LogFieldValue)] = []
        func visit(_ prefix: String, _ metadata: Logger.Metadata, depth: Int) {
            for key in metadata.keys.sorted() {
                let path = prefix.isEmpty ? key : prefix + "." + key
                guard !key.isEmpty, let value = metadata[key] else { continue }
                switch value {
                case .dictionary(let nested) where depth < 8:
                    visit(path, nested, depth: depth + 1)
                default:
                    result.append((sanitizedKey(path), field(value, key: path, limit: limit)))
                }
            }
        }
        visit("", metadata, depth: 0)
        return result
    }

    private static func field(_ value: Logger.MetadataValue, key: String, limit: Int) -> LogFieldValue {
        switch value {
        case .string(let text):
            if numericKeys.contains(key), let number = Double(text), number.isFinite {
                return .number(formatted(number))
            }
            return .text(BoundedText.bounded(text, limit: limit))
        case .stringConvertible(let convertible):
            if let flag = convertible as? Bool { return .bool(flag) }
            if let integer = convertible as? any BinaryInteger { return .number(String(describing: integer)) }
            if let number = convertible as? any BinaryFloatingPoint {
                let double = Double(number)
                if double.isFinite { return .number(formatted(double)) }
            }
            return .text(BoundedText.bounded(convertible.description, limit: limit))
        case .array, .dictionary:
            return .text(BoundedText.bounded(value.description, limit: limit))
        }
    }

    /// A double as a JSON number: integral values without a fraction, others in their shortest exact form.
    private static func formatted(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// `key` with `_` in place of characters that would break a `key=value` split or a JSON key.
    private static func sanitizedKey(_ key: String) -> String {
        let bounded = BoundedText.bounded(key, limit: 256)
        guard
            bounded.contains(where: { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\\" || $0.isNewline })
                || bounded.unicodeScalars.contains(where: { $0.value < 0x20 })
        else { return bounded }
        return String(
            bounded.unicodeScalars.map { scalar -> Character in
                scalar.value < 0x20 || scalar == " " || scalar == "=" || scalar == "\"" || scalar == "\\"
                    ? "_" : Character(scalar)
            }
        )
    }

    // MARK: Rendering

    func logfmt() -> String {
        var line = ""
        for (index, field) in fields.enumerated() {
            if index > 0 { line += " " }
            line += field.key + "="
            switch field.value {
            case .text(let text): Self.appendLogfmtText(text, to: &line)
            case .number(let number): line += number
            case .bool(let flag): line += flag ? "true" : "false"
            }
        }
        return line
    }

    func json() -> String {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        for field in fields {
            switch field.value {
            case .text(let text): json.string(field.key, text)
            case .number(let number): json.raw(field.key, Array(number.utf8))
            case .bool(let flag): json.bool(field.key, flag)
            }
        }
        json.endObject()
        return json.text
    }

    /// Quotes a logfmt value only when it would otherwise break the split: empty, spaces, quotes, `=`, control
    /// characters.
    private static func appendLogfmtText(_ text: String, to line: inout String) {
        let needsQuotes =
            text.isEmpty
            || text.unicodeScalars.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || $0.value < 0x20 }
        line += needsQuotes ? JSONText.quoted(text) : text
    }
}
