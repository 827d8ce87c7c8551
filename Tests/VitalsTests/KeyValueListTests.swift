import Testing
import Vitals

@Suite struct KeyValueListTests {
    @Test func keepsInsertionOrderAndReplacesInPlace() {
        var attributes: Attributes = ["model": "gpt-5-mini", "prompt_tokens": 1234]
        attributes["phase"] = "initial"
        attributes["model"] = "glm-4.6"
        #expect(attributes.map(\.key) == ["model", "prompt_tokens", "phase"])
        #expect(attributes["model"] == .string("glm-4.6"))
        attributes["prompt_tokens"] = nil
        #expect(attributes.map(\.key) == ["model", "phase"])
        #expect(attributes["missing"] == nil)
    }

    @Test func duplicateKeysInLiteralKeepTheLastValue() {
        let labels = Labels([("agent_id", "A"), ("agent_id", "B")])
        #expect(labels.count == 1)
        #expect(labels["agent_id"] == "B")
    }
}
