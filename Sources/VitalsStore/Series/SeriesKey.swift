import FoundationEssentials
public import Vitals

/// The identity of a series: kind, name and the label values that separate it from its siblings.
///
/// Labels are kept sorted by key, so two events with the same label values in a different order land in the
/// same series. The labels are stored as canonical JSON text (sorted keys), which is also what makes a series
/// unique in the database.
///
/// ```swift
/// let key = SeriesKey(kind: .event, name: "llm_call", labels: ["model": "gpt-5-mini", "agent_id": "a1"])
/// print(key.labelsText)  // {"agent_id":"a1","model":"gpt-5-mini"}
/// ```
public struct SeriesKey: Sendable, Hashable, CustomStringConvertible {
    /// Events or gauge samples.
    public var kind: SeriesKind
    /// The event or gauge name.
    public var name: String
    /// The label values, sorted by key.
    public private(set) var labels: Labels

    /// Creates a key; labels are sorted by key.
    public init(kind: SeriesKind, name: String, labels: Labels) {
        self.kind = kind
        self.name = name
        self.labels = labels.sortedByKey()
    }

    /// A key whose labels are already sorted by key (the identity extractor builds them in order).
    package init(kind: SeriesKind, name: String, sortedLabels: Labels) {
        self.kind = kind
        self.name = name
        self.labels = sortedLabels
    }

    /// The label that marks the series holding everything past a name's series limit.
    public static let overflowLabel = "__overflow__"

    /// The series that collects the events of `name` beyond the series limit.
    public static func overflow(kind: SeriesKind, name: String) -> SeriesKey {
        SeriesKey(kind: kind, name: name, sortedLabels: [overflowLabel: "true"])
    }

    /// Whether this is the overflow series of its name.
    public var isOverflow: Bool { labels[Self.overflowLabel] != nil }

    /// The labels as canonical JSON: an object with sorted keys, no whitespace.
    public var labelsText: String { Self.encode(labels) }

    public var description: String {
        labels.isEmpty ? name : "\(name)\(labelsText)"
    }

    /// Canonical JSON of sorted labels.
    package static func encode(_ labels: Labels) -> String {
        var dictionary: [String: String] = [:]
        for element in labels { dictionary[element.key] = element.value }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(dictionary) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Labels from their canonical JSON.
    ///
    /// - Throws: ``StoreError`` of code ``StoreError/Code/corruptDatabase`` when the text is not a JSON object of
    ///   strings.
    package static func decodeLabels(_ text: String) throws(StoreError) -> Labels {
        // Every query lists its series, so this runs once per series per query: the canonical form (what
        // `encode` writes) is read directly, anything else goes through the full JSON decoder.
        var copy = text
        if let labels = copy.withUTF8({ CanonicalLabels.parse($0) }) { return labels }
        let dictionary: [String: String]
        do {
            dictionary = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        } catch {
            throw StoreError(
                code: .corruptDatabase,
                message: "series labels \(text.prefix(80)): expected a JSON object of strings",
                underlying: error
            )
        }
        return Labels(dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }
}

extension KeyValueList {
    /// The same entries ordered by key.
    package func sortedByKey() -> KeyValueList {
        var sorted = KeyValueList()
        sorted.reserveCapacity(count)
        for element in elements.sorted(by: { $0.key < $1.key }) {
            sorted.appendUnchecked(key: element.key, value: element.value)
        }
        return sorted
    }
}

/// A reader of the canonical labels text: one flat JSON object of strings, keys sorted (as `SeriesKey.encode`
/// writes it). Returns `nil` for anything else, which the caller hands to the full JSON decoder.
enum CanonicalLabels {
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Labels? {
        var position = 0
        func skipSpaces() {
            while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x0A { position += 1 }
        }
        func string() -> String? {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
            position += 1
            let start = position
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "\""):
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                    position += 1
                    return text
                case UInt8(ascii: "\\"), 0..<0x20:
                    return nil  // escapes and control characters: left to the full decoder
                default:
                    position += 1
                }
            }
            return nil
        }
        skipSpaces()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "{") else { return nil }
        position += 1
        var labels = Labels()
        skipSpaces()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            skipSpaces()
            return position == bytes.count ? labels : nil
        }
        while true {
            skipSpaces()
            guard let key = string() else { return nil }
            skipSpaces()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
            position += 1
            skipSpaces()
            guard let value = string() else { return nil }
            if let last = labels.last, last.key >= key { return nil }  // not sorted, or a repeated key
            labels.appendUnchecked(key: key, value: value)
            skipSpaces()
            guard position < bytes.count else { return nil }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "}") else { return nil }
            position += 1
            skipSpaces()
            return position == bytes.count ? labels : nil
        }
    }
}
