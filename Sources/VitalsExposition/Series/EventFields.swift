package import Vitals

/// Reads what the exposition keeps of an event in one pass over its labels and one over its attributes, one
/// lookup per key: the series label values (as `Event.seriesLabel(_:)` gives them: the label, else for `status`
/// the outcome, else the attribute's label text) and the token and cost counters (as `Event.number(_:)` gives
/// them, the conventional name before its OpenTelemetry alias).
///
/// Asking each configured key of each event separately compared every key with every label and attribute, which
/// under the registry's lock was the larger part of recording a batch in which every event has its own series.
package struct EventFields: Sendable {
    /// The counters of one event.
    package struct Numbers: Equatable {
        package var prompt: Double?
        package var completion: Double?
        package var cost: Double?

        package init() {}
    }

    private struct Role: Sendable {
        /// The position among the label keys, or -1.
        var slot = -1
        /// The counter the key feeds (see ``counterKeys``), or -1.
        var counter = -1
    }

    // The JSONL decoder already reads the OpenTelemetry names as the conventional ones; events built in code
    // (or mapped from traces) may still carry them.
    /// The attribute keys of the counters, conventional name first for each: prompt, prompt alias, completion,
    /// completion alias, cost.
    private static let counterKeys = [
        WireKey.promptTokens, "gen_ai.usage.input_tokens", WireKey.completionTokens, "gen_ai.usage.output_tokens",
        WireKey.costUSD,
    ]

    private let roles: [String: Role]
    private let statusSlot: Int?
    private let slotCount: Int

    package init(keys: LabelKeys) {
        var roles: [String: Role] = [:]
        for (slot, key) in keys.keys.enumerated() where roles[key] == nil { roles[key] = Role(slot: slot) }
        for (counter, key) in Self.counterKeys.enumerated() { roles[key, default: Role()].counter = counter }
        self.roles = roles
        statusSlot = keys.keys.firstIndex(of: WireKey.status)
        slotCount = keys.keys.count
    }

    /// Writes the event's label value for each key into `labels` ("" when it has none) and its counters into
    /// `numbers`.
    package func read(_ event: Event, labels: inout [String], numbers: inout Numbers) {
        // Which slots a label (or the outcome) filled; the first of a key wins, as in a lookup.
        var filled = SlotSet(count: slotCount)
        for label in event.labels.elements {
            guard let role = roles[label.key], role.slot >= 0, !filled.contains(role.slot) else { continue }
            labels[role.slot] = label.value
            filled.insert(role.slot)
        }
        if let statusSlot, !filled.contains(statusSlot) {
            labels[statusSlot] = event.status.rawValue
            filled.insert(statusSlot)
        }
        var counters: (AttributeValue?, AttributeValue?, AttributeValue?, AttributeValue?, AttributeValue?)
        var seenCounters: UInt8 = 0
        for attribute in event.attributes.elements {
            guard let role = roles[attribute.key] else { continue }
            if role.slot >= 0, !filled.contains(role.slot) {
                labels[role.slot] = attribute.value.labelText ?? ""
                filled.insert(role.slot)
            }
            if role.counter >= 0, seenCounters & (1 << role.counter) == 0 {
                seenCounters |= 1 << role.counter
                switch role.counter {
                case 0: counters.0 = attribute.value
                case 1: counters.1 = attribute.value
                case 2: counters.2 = attribute.value
                case 3: counters.3 = attribute.value
                default: counters.4 = attribute.value
                }
            }
        }
        for slot in 0..<slotCount where !filled.contains(slot) { labels[slot] = "" }
        numbers.prompt = counters.0?.doubleValue ?? counters.1?.doubleValue
        numbers.completion = counters.2?.doubleValue ?? counters.3?.doubleValue
        numbers.cost = counters.4?.doubleValue
    }
}

/// A set of small positions: a bit mask up to 64, an array past it.
private struct SlotSet {
    private var mask: UInt64 = 0
    private var large: [Bool]?

    init(count: Int) {
        if count > 64 { large = Array(repeating: false, count: count) }
    }

    func contains(_ slot: Int) -> Bool {
        if let large { return large[slot] }
        return mask & (1 << UInt64(slot)) != 0
    }

    mutating func insert(_ slot: Int) {
        if large != nil {
            large![slot] = true
        } else {
            mask |= 1 << UInt64(slot)
        }
    }
}
