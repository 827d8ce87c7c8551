/// How names and values coming from other systems (swift-log, swift-metrics, tracers, OTLP exporters) are made safe
/// to record: bounded, never empty where a name is required. Shared so that every door in treats bad input alike.
package enum BoundedText {
    /// The name recorded for a metric, span or log event that came with an empty name.
    package static let unnamed = "unnamed"

    /// `text` cut to at most `limit` UTF-8 bytes, on a character boundary; unchanged when it already fits.
    package static func bounded(_ text: String, limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        var bytes = 0
        for character in text {
            let size = character.utf8.count
            if bytes + size > limit { break }
            result.append(character)
            bytes += size
        }
        return result
    }

    /// A name to record: bounded, and `unnamed` when empty.
    package static func name(_ text: String, limit: Int) -> String {
        text.isEmpty ? unnamed : bounded(text, limit: limit)
    }
}
