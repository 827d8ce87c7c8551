package import Vitals

/// The bounds a record must stay within to be stored, each refused with a reason naming the field.
///
/// They keep what one client can send from costing everyone else: a name or label value becomes part of a
/// series and of every `/metrics` scrape, so its length is capped; a number that is summed (tokens, cost) must
/// leave room to add up without reaching infinity; a time must be one the buckets can compute with.
package enum IngestLimits {
    /// The longest event or gauge name, in UTF-8 bytes.
    package static let maximumNameBytes = 256
    /// The longest value of a label that makes a series, in UTF-8 bytes.
    package static let maximumLabelValueBytes = 1_024
    /// The largest magnitude of a summed attribute or a gauge value: 1e18 leaves sums of billions of them finite.
    package static let maximumMagnitude = 1e18

    /// Why a name cannot be stored, or `nil`.
    package static func problem(name: String, field: String) -> String? {
        let length = name.utf8.count
        if length > maximumNameBytes {
            return "\(field): the name is \(length) bytes long; expected at most \(maximumNameBytes)"
        }
        return controlCharacter(in: name).map { "\(field): control character \($0) is not allowed in a name" }
    }

    /// The first ASCII control character of `text` as `U+XXXX`, or `nil`. The JSONL decoder refuses them in
    /// names and labels already; this catches records built in code, which would otherwise break a series key
    /// (a NUL cuts a name short in C APIs) or a `/metrics` line.
    private static func controlCharacter(in text: String) -> String? {
        guard let byte = text.utf8.first(where: { $0 < 0x20 || $0 == 0x7F }) else { return nil }
        let hex = String(byte, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// Why the label values of a series (by position in `keys`) cannot be stored, or `nil`.
    package static func problem(labels keys: [String], values: [String?]) -> String? {
        for (key, value) in zip(keys, values) {
            if let value, let reason = problem(label: key, value: value) { return reason }
        }
        return nil
    }

    /// Why labels cannot be stored, or `nil`.
    package static func problem(labels: some Sequence<Labels.Element>) -> String? {
        for label in labels {
            if let reason = problem(label: label.key, value: label.value) { return reason }
        }
        return nil
    }

    /// Why a time cannot be filed, or `nil`.
    package static func problem(time: Int64, field: String) -> String? {
        guard !TimeRange.isStorable(time) else { return nil }
        return "\(field): \(Timestamp(nanosecondsSinceEpoch: time).rfc3339) is outside the times the store keeps; "
            + "expected a time from 1970-01-01 to 2199-12-31"
    }

    /// The reason for a number too large to add up.
    package static func tooLarge(_ field: String, _ value: Double) -> String {
        "\(field): \(value) is too large to add up; expected a magnitude up to 1e18"
    }

    private static func problem(label key: String, value: String) -> String? {
        let length = value.utf8.count
        if length > maximumLabelValueBytes {
            return "\(key): the label value is \(length) bytes long; expected at most \(maximumLabelValueBytes)"
        }
        return controlCharacter(in: value).map { "\(key): control character \($0) is not allowed in a label value" }
    }
}
