import Vitals

extension Alert {
    /// The alert as kept in the store: the JSON that its `Codable` conformance reads back, written by hand
    /// because an evaluation of a large fleet writes thousands of them (about 20 µs each through
    /// `JSONEncoder`). A value that is not finite is left out, so it reads back as none.
    func stateJSON() -> [UInt8] {
        var json = JSONWriter(capacity: 384)
        json.beginObject()
        json.string("fingerprint", fingerprint)
        json.string("rule", rule)
        json.beginObject("group")
        for (key, value) in group.sorted(by: { $0.key < $1.key }) { json.string(key, value) }
        json.endObject()
        json.string("state", state.rawValue)
        json.string("severity", severity)
        json.integer("activeSince", activeSince.nanosecondsSinceEpoch)
        if let firingSince { json.integer("firingSince", firingSince.nanosecondsSinceEpoch) }
        if let resolvedAt { json.integer("resolvedAt", resolvedAt.nanosecondsSinceEpoch) }
        json.integer("lastViolation", lastViolation.nanosecondsSinceEpoch)
        if let value, value.isFinite { json.number("value", value) }
        json.string("valueText", valueText)
        json.string("threshold", threshold)
        if let summary { json.string("summary", summary) }
        if let recommendation { json.string("recommendation", recommendation) }
        if let acknowledgement {
            json.beginObject("acknowledgement")
            json.string("author", acknowledgement.author)
            json.string("comment", acknowledgement.comment)
            json.integer("at", acknowledgement.at.nanosecondsSinceEpoch)
            if let expires = acknowledgement.expires { json.integer("expires", expires.nanosecondsSinceEpoch) }
            json.endObject()
        }
        json.endObject()
        return json.bytes
    }
}
