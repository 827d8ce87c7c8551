import Vitals

/// How tags and metadata coming from other libraries become labels and attributes, shared by the metrics backend and
/// the log handler (the bounds themselves are ``BoundedText``'s, shared with the tracer and OTLP ingest).
enum IntegrationText {
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
            let key = BoundedText.bounded(key, limit: limit)
            let value = BoundedText.bounded(value, limit: limit)
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
