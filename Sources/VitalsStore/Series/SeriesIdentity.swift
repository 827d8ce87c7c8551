public import Vitals

/// Picks the labels that make an event's or a sample's series, following ``StoreConfiguration/labelKeys``.
///
/// For events, each configured key is looked up in the event's labels, then in its string attributes; the
/// `status` key takes the event's outcome. Numeric and boolean attributes are never labels, so a token count
/// never creates a series. Gauge samples keep all their labels: a sample's labels are labels by definition.
///
/// ```swift
/// let identity = SeriesIdentity(labelKeys: StoreConfiguration.defaultLabelKeys)
/// let key = identity.key(for: event)  // llm_call{"agent_id":"a1","model":"gpt-5-mini","status":"ok"}
/// ```
public struct SeriesIdentity: Sendable, Hashable {
    /// The configured keys, sorted, so that extracted labels come out in key order.
    public let labelKeys: [String]

    /// Creates an identity over the given label keys (duplicates are ignored).
    public init(labelKeys: [String]) {
        self.labelKeys = Array(Set(labelKeys)).sorted()
    }

    /// The series an event belongs to.
    public func key(for event: Event) -> SeriesKey {
        var labels = Labels()
        labels.reserveCapacity(labelKeys.count)
        for key in labelKeys {
            if let value = value(of: key, in: event) {
                labels.appendUnchecked(key: key, value: value)
            }
        }
        return SeriesKey(kind: .event, name: event.name, sortedLabels: labels)
    }

    /// The series a gauge sample belongs to.
    public func key(for sample: Sample) -> SeriesKey {
        SeriesKey(kind: .gauge, name: sample.name, labels: sample.labels)
    }

    /// The label value an event has for `key`, or `nil` when it has none that can be a label.
    @inline(__always)
    package func value(of key: String, in event: Event) -> String? {
        if let label = event.labels[key] { return label }
        if key == WireKey.status { return event.status.rawValue }
        if case .string(let text) = event.attributes[key] { return text }
        return nil
    }
}
