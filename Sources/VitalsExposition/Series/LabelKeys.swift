/// The label keys read from events and samples, each with the label name it is written under.
package struct LabelKeys: Sendable {
    /// The keys as given (what `Event.seriesLabel(_:)` and `Sample.labels` are asked for).
    package let keys: [String]
    /// The valid Prometheus label name of each key (`gen_ai.agent.id` → `gen_ai_agent_id`).
    package let names: [String]

    /// The names the exposition uses itself; a key that would be written under one of them is left out.
    static let reserved: Set<String> = ["event", "metric", "le", "kind", "overflow", "quantile"]

    /// Keys from `keys` in order, without duplicates, keys with no valid name, or names reserved above.
    package init(_ keys: [String]) {
        var seen: Set<String> = []
        var kept: [String] = []
        var names: [String] = []
        for key in keys {
            guard let name = Self.labelName(key), !Self.reserved.contains(name), seen.insert(name).inserted else {
                continue
            }
            kept.append(key)
            names.append(name)
        }
        self.keys = kept
        self.names = names
    }

    /// `key` as a valid label name (`[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`, which Prometheus
    /// reserves): other characters become `_`, a leading digit gets a `_` before it; `nil` when nothing is left.
    static func labelName(_ key: String) -> String? {
        var bytes: [UInt8] = []
        for byte in key.utf8 {
            let isLetter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            bytes.append(isLetter || isDigit ? byte : UInt8(ascii: "_"))
        }
        if let first = bytes.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") {
            bytes.insert(UInt8(ascii: "_"), at: 0)
        }
        while bytes.count >= 2, bytes[0] == UInt8(ascii: "_"), bytes[1] == UInt8(ascii: "_") {
            bytes.removeFirst()
        }
        guard !bytes.isEmpty, bytes != [UInt8(ascii: "_")] else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The exposition's lookup form of a `SeriesKey`: the name and one value per configured label key, by position
/// ("" when absent), so that a lookup can refill one scratch key instead of building sorted labels per event.
struct LabelValuesKey: Hashable, Sendable {
    var name: String
    var values: [String]
}
