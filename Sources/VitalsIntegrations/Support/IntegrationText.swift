import Vitals

/// How names and values coming from other libraries are made safe to record: bounded, never empty where a name is
/// required. Shared by the metrics backend, the log handler and the tracer, so that all three treat bad input alike.
enum IntegrationText {
    /// The name recorded for a metric, span or log event that came with an empty name.
    static let unnamed = "unnamed"

    /// `text` cut to at most `limit` UTF-8 bytes, on a character boundary; unchanged when it already fits.
    static func bounded(_ text: String, limit: Int) -> String {
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
    static func name(_ text: String, limit: Int) -> String {
        text.isEmpty ? unnamed : bounded(text, limit: limit)
    }

    /// Splits `pairs` into identity labels (`service`, `agent_id`, …, `worker_id`) and string attributes, the way
    /// an event line is read: empty keys are skipped, a later duplicate key replaces an earlier one, keys and values
    /// are bounded, and at most `maximumPairs` pairs are kept. `all` holds every kept pair in the order given.
    static func labelsAndAttributes(
        _ pairs: some Sequence<(String, String)>,
        maximumPairs: Int,
        limit: Int
    ) -> (all: Labels, labels: Labels, attributes: Attributes) {
        var all = Labels()
        var labels = Labels()
        var attributes = Attributes()
        var kept = 0
        for (key, value) in pairs where !key.isEmpty {
            guard kept < maximumPairs else { break }
            kept += 1
            let key = bounded(key, limit: limit)
            let value = bounded(value, limit: limit)
            all[key] = value
            if WireKey.identityLabels.contains(key) {
                labels[key] = value
            } else {
                attributes[key] = .string(value)
            }
        }
        return (all, labels, attributes)
    }
}
