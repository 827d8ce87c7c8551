import Testing
import Vitals
import VitalsStore

@Suite("Series labels text")
struct SeriesLabelsCodingTests {
    @Test(
        "labels survive encode then decode, with or without characters that need escaping",
        arguments: [
            [:],
            ["agent_id": "agent-7"],
            ["agent_id": "a1", "model": "gpt-5-mini", "service": "support-bot", "status": "ok"],
            ["tool": "say \"hi\"", "phase": "back\\slash", "route": "line\nbreak", "model": "ünïcødé ✓ 🚀"],
            ["a/b": "c/d", "empty": ""],
        ] as [[String: String]]
    )
    func roundTrip(entries: [String: String]) throws {
        let labels = Labels(entries.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        let text = SeriesKey.encode(labels)
        #expect(try SeriesKey.decodeLabels(text) == labels)
    }

    @Test("text that is not in the canonical form is still read, sorted by key")
    func nonCanonical() throws {
        let labels = try SeriesKey.decodeLabels(#" { "model" : "m1" , "agent_id":"a\u0031" } "#)
        #expect(labels == Labels([("agent_id", "a1"), ("model", "m1")]))
    }

    @Test(
        "text that is not an object of strings is a corrupt-database error",
        arguments: ["", "[]", "{\"a\":1}", "{\"a\":\"b\""]
    )
    func corrupt(text: String) {
        #expect(throws: StoreError.self) { try SeriesKey.decodeLabels(text) }
    }
}
