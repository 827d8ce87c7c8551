import FoundationEssentials
package import Vitals

extension SeriesKey {
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
