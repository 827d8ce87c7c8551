import Testing
import Vitals

@Suite("LabelMatcher: one printed form, parsed back")
struct LabelMatcherTests {
    @Test(
        "every operator prints as key=\"value\" and parses back to the same matcher",
        arguments: [
            (LabelMatcher.equal("agent_id", "a1"), #"agent_id="a1""#),
            (LabelMatcher.notEqual("model", ""), #"model!="""#),
            (LabelMatcher.oneOf("tool", ["search", "fetch"]), #"tool in ["search", "fetch"]"#),
            (LabelMatcher.noneOf("tool", []), #"tool not in []"#),
            (try! LabelMatcher.regex("model", "gpt-.*"), #"model=~"gpt-.*""#),
            (
                try! LabelMatcher.notRegex("gen_ai.request.model", #"say "(hi|yo)""#),
                #"gen_ai.request.model!~"say \"(hi|yo)\"""#
            ),
            (LabelMatcher.equal("route", #"say "hi" \o/"#), #"route="say \"hi\" \\o/""#),
        ]
    )
    func roundTrip(matcher: LabelMatcher, printed: String) throws {
        #expect(matcher.description == printed)
        let parsed = try LabelMatcher(parsing: printed)
        #expect(parsed == matcher)
        #expect(parsed.description == printed)
    }

    @Test("bare values and spaces around the operator are read too")
    func bareValues() throws {
        #expect(try LabelMatcher(parsing: "model=gpt-5") == .equal("model", "gpt-5"))
        #expect(try LabelMatcher(parsing: " agent_id != a=b") == .notEqual("agent_id", "a=b"))
        #expect(try LabelMatcher(parsing: #"stage in ["a","b"]"#) == .oneOf("stage", ["a", "b"]))
        let pattern = try LabelMatcher(parsing: "model=~gpt-5.*")
        #expect(pattern.matches("gpt-5-mini"))
        #expect(!pattern.matches("claude"))
    }

    @Test(
        "malformed text is rejected with a reason",
        arguments: [#"="x""#, "model", #"model~"x""#, #"model="x"#, #"model="x" y"#, "tool in [a]", "model=~("]
    )
    func rejects(text: String) {
        #expect(throws: MatcherSyntaxError.self) { try LabelMatcher(parsing: text) }
    }

    @Test("an absent label reads as the empty string")
    func absentLabel() throws {
        #expect(LabelMatcher.equal("tool", "").matches(nil))
        #expect(LabelMatcher.notEqual("tool", "x").matches(nil))
        #expect(!LabelMatcher.oneOf("tool", ["x"]).matches(nil))
        #expect(try LabelMatcher.notRegex("tool", "x.*").matches(nil))
    }
}
