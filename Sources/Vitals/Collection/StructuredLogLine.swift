/// The tier-3 developer log line of one event: `llm_call_complete phase=initial duration_ms=111 worker_id=w-7 …`.
///
/// Plain `key=value` text in the message itself (not only logger metadata) so that `grep`, `awk` and `sort -n`
/// work whatever log handler formats the line.
enum StructuredLogLine {
    /// Attributes that say which call this was; written right after the event name, as the seed's lines do.
    private static let leadingKeys: [String] = [WireKey.phase, WireKey.tool]

    static func format(_ event: Event) -> String {
        var line = event.name + "_complete"
        func append(_ key: String, _ value: String) {
            line += " " + key + "=" + quoted(value)
        }
        for key in leadingKeys {
            if let value = event.attributes[key] { append(key, value.description) }
        }
        append(WireKey.durationMilliseconds, AttributeValue.format((event.durationMilliseconds * 10).rounded() / 10))
        append(WireKey.status, event.status.rawValue)
        if let error = event.error { append(WireKey.error, error) }
        for label in event.labels { append(label.key, label.value) }
        for attribute in event.attributes where !leadingKeys.contains(attribute.key) {
            append(attribute.key, attribute.value.description)
        }
        return line
    }

    /// Quotes a value only when it would otherwise break the `key=value` split (spaces, quotes, `=`, empty).
    private static func quoted(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty
            || value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || $0.isNewline }
        guard needsQuotes else { return value }
        var result = "\""
        for character in value {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result.append(character)
            }
        }
        return result + "\""
    }
}
