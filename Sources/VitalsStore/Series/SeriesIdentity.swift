package import Vitals

/// Picks the labels that make an event's or a sample's series, following ``StoreConfiguration/labelKeys``.
///
/// For events, each configured key is looked up in the event's labels, then (for `status`) in its outcome,
/// then in its attributes: a string as it is, an integer as its decimal text (`"tier": 1` is the label `tier="1"`),
/// a boolean as `true`/`false` (`AttributeValue.labelText`, the rule `/metrics` follows too), which is how rules
/// evaluated over a file compare them. A fractional number is a measurement, never a label; an attribute whose key
/// is not a label key (a token count) never creates a series. Gauge samples keep all their labels: a sample's labels are labels by definition.
///
/// ```swift
/// let identity = SeriesIdentity(labelKeys: SeriesKey.defaultLabelKeys)
/// let key = identity.key(for: event)  // llm_call{"agent_id":"a1","model":"gpt-5-mini","status":"ok"}
/// ```
package struct SeriesIdentity: Sendable, Hashable {
    /// The configured keys, sorted, so that extracted labels come out in key order.
    package let labelKeys: [String]
    /// The position of each key in ``labelKeys``.
    private let slots: [String: Int]
    /// The slot of `status`, when it is a label key.
    package let statusSlot: Int?

    /// Creates an identity over the given label keys (duplicates are ignored).
    package init(labelKeys: [String]) {
        let sorted = Array(Set(labelKeys)).sorted()
        self.labelKeys = sorted
        var slots: [String: Int] = [:]
        for (index, key) in sorted.enumerated() { slots[key] = index }
        self.slots = slots
        self.statusSlot = slots[WireKey.status]
    }

    /// The series an event belongs to.
    package func key(for event: Event) -> SeriesKey {
        var values = Array(repeating: String?.none, count: labelKeys.count)
        fill(&values, from: event)
        return key(name: event.name, values: values)
    }

    /// The series a gauge sample belongs to.
    package func key(for sample: Sample) -> SeriesKey {
        SeriesKey(kind: .gauge, name: sample.name, labels: sample.labels)
    }

    /// Writes the label value of each configured key into `values` (one slot per key of ``labelKeys``).
    ///
    /// Reads the event's label and attribute arrays once each instead of looking every key up, which is what
    /// makes series resolution cheap on the ingest path.
    package func fill(_ values: inout [String?], from event: Event) {
        for index in values.indices { values[index] = nil }
        for label in event.labels.elements {
            if let slot = slots[label.key] { values[slot] = label.value }
        }
        if let statusSlot, values[statusSlot] == nil { values[statusSlot] = event.status.rawValue }
        for attribute in event.attributes.elements {
            guard let slot = slots[attribute.key], values[slot] == nil else { continue }
            values[slot] = attribute.value.labelText
        }
    }

    /// The event series key of `name` with the values ``fill(_:from:)`` produced.
    package func key(name: String, values: [String?]) -> SeriesKey {
        var pairs: [(String, String)] = []
        pairs.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            if let value { pairs.append((labelKeys[index], value)) }
        }
        return SeriesKey(kind: .event, name: name, sortedLabels: Labels(pairs))
    }
}
