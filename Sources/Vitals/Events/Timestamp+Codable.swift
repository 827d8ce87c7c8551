extension Timestamp: Codable {
    /// Reads a timestamp written by ``encode(to:)``: one integer, nanoseconds since the epoch.
    public init(from decoder: any Decoder) throws {
        self.init(nanosecondsSinceEpoch: try decoder.singleValueContainer().decode(Int64.self))
    }

    /// Writes the timestamp as one exact integer, its nanoseconds since the epoch (``rfc3339`` is the text
    /// form for people and wire formats).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(nanosecondsSinceEpoch)
    }
}
