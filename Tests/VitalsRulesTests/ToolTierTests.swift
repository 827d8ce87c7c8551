import Testing
import Vitals
import VitalsRules

@Suite("tool tiers")
struct ToolTierTests {
    @Test("four tiers with their timeouts and the pack's rules; nothing else is a tier")
    func tiers() throws {
        #expect(ToolTier(0) == nil && ToolTier(5) == nil && ToolTier(-1) == nil)
        let timeouts = try (1...4).map { try #require(ToolTier($0)).timeout }
        #expect(timeouts == [.seconds(5), .seconds(30), .seconds(60), .seconds(60)])
        #expect(try #require(ToolTier(1)).rules.map(\.name) == ["tier1-latency", "tier1-timeout"])
        #expect(try #require(ToolTier(3)).rules.map(\.name) == ["tier3-latency", "tier3-floor", "tier3-timeout"])
    }

    @Test("a tier's rules judge tool_call events of that tier only")
    func judging() throws {
        let tier = try #require(ToolTier(2))
        var evaluator = RuleEvaluator(rules: tier.rules)
        for milliseconds in [300.0, 400, 6_000] {
            evaluator.add(
                .event(
                    Event(
                        name: "tool_call",
                        durationMilliseconds: milliseconds,
                        attributes: ["tool": .string("search"), "tier": .int(2)]
                    )
                )
            )
        }
        // A tier-1 call of another tool is not this tier's business.
        evaluator.add(
            .event(
                Event(
                    name: "tool_call",
                    durationMilliseconds: 90_000,
                    attributes: ["tool": .string("x"), "tier": .int(1)]
                )
            )
        )
        let results = Dictionary(uniqueKeysWithValues: evaluator.results().map { ($0.rule.name, $0) })
        #expect(results["tier2-latency"]?.status == .violated)
        #expect(results["tier2-floor"]?.status == .passed)
        #expect(results["tier2-timeout"]?.status == .passed)
        #expect(results["tier2-latency"]?.group == ["tool": "search"])
    }
}
