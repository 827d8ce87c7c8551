import Testing
import Vitals
import VitalsExposition
import VitalsRules

/// The exposition reads an event's series labels and counters in one pass (`EventFields`); it must give what
/// asking for each key does (`Event.seriesLabel(_:)`, `Event.number(_:)` with the OpenTelemetry aliases).
@Suite("Event fields read in one pass")
struct EventFieldsTests {
    /// Label and attribute keys the events draw from: label keys, counters, their aliases and plain data.
    static let labelPool = ["agent_id", "status", "model", "tool", "note"]
    static let attributePool = [
        "model", "tool", "status", "agent_id", "prompt_tokens", "gen_ai.usage.input_tokens", "completion_tokens",
        "gen_ai.usage.output_tokens", "cost_usd", "tier", "note",
    ]

    static func value(_ random: inout SplitMix64) -> AttributeValue {
        switch random.next() % 5 {
        case 0: .string("v\(random.next() % 4)")
        case 1: .int(Int64(random.next() % 1_000))
        case 2: .double(Double(random.next() % 1_000) / 8)
        case 3: .bool(random.next() % 2 == 0)
        default: .double(Double(random.next() % 100))
        }
    }

    static func event(_ random: inout SplitMix64) -> Event {
        var labels = Labels()
        for key in labelPool where random.next() % 3 == 0 { labels[key] = "l\(random.next() % 5)" }
        var attributes = Attributes()
        for key in attributePool.shuffled(using: &random) where random.next() % 2 == 0 {
            attributes[key] = value(&random)
        }
        let statuses: [EventStatus] = [.ok, .error, .timeout, .cancelled]
        return Event(
            name: "llm_call",
            durationMilliseconds: 5,
            status: statuses[Int(random.next() % 4)],
            labels: labels,
            attributes: attributes
        )
    }

    @Test(
        "labels and counters match the per-key lookups",
        arguments: [
            ["agent_id", "model", "tool", "status", "tier"],
            ["status"],
            [],
            // Past 64 keys the filled slots are tracked in an array instead of a mask.
            ["agent_id", "model"] + (0..<70).map { "extra_\($0)" } + ["status", "tool"],
        ]
    )
    func sameAsLookups(keys: [String]) {
        let labelKeys = LabelKeys(keys)
        let fields = EventFields(keys: labelKeys)
        var random = SplitMix64(seed: 41)
        for _ in 0..<3_000 {
            let event = Self.event(&random)
            var labels = Array(repeating: "stale", count: labelKeys.keys.count)
            var numbers = EventFields.Numbers()
            fields.read(event, labels: &labels, numbers: &numbers)
            let expected = labelKeys.keys.map { event.seriesLabel($0) ?? "" }
            #expect(labels == expected, "\(event.labels) \(event.attributes) \(event.status)")
            var want = EventFields.Numbers()
            want.prompt = event.number("prompt_tokens") ?? event.number("gen_ai.usage.input_tokens")
            want.completion = event.number("completion_tokens") ?? event.number("gen_ai.usage.output_tokens")
            want.cost = event.number("cost_usd")
            #expect(numbers == want, "\(event.attributes)")
        }
    }
}
