import Vitals
import VitalsRules

/// The MCP server's 31 tools in the four latency tiers of the original's benchmark table, and the simulated
/// latency of each call.
///
/// Tool calls are simulated, not waited for: a call's duration is drawn from its tier's range and recorded as a
/// `tool_call` event with that duration, so a run of hundreds of calls (tier-4 workflows take 5 to 30 s) takes a
/// moment. Two tools misbehave unless the run is `healthy`: `listmodels` does I/O that a tier-1 tool must not
/// (its p95 leaves the 100 ms range) and `debug` sometimes runs on past the tier-4 timeout of 60 s because its
/// timeout is not enforced.
struct ToolCatalog {
    /// One tool: its name, tier, and the provider its LLM calls go to (tier 1 tools call none).
    struct Tool: Sendable {
        var name: String
        var tier: ToolTier
        var provider: Provider?
    }

    let tools: [Tool]

    init() {
        func tier(_ number: Int, _ names: [String], provider: (Int) -> Provider?) -> [Tool] {
            // The tiers are the pack's 1 to 4, so the lookup cannot fail.
            let tier = ToolTier(number)!
            return names.enumerated().map { Tool(name: $1, tier: tier, provider: provider($0)) }
        }
        let glm = Provider.glm, kimi = Provider.kimi
        tools =
            tier(1, ["status", "version", "health", "listmodels", "activity", "self_check"]) { _ in nil }
            + tier(
                2,
                [
                    "chat", "challenge", "recall", "planner", "tracer", "glm_web_search", "kimi_chat_with_tools",
                    "consensus_quick", "precommit_quick", "thinkdeep_quick",
                ]
            ) { $0.isMultiple(of: 2) ? glm : kimi }
            + tier(
                3,
                [
                    "kimi_upload_files", "kimi_download", "glm_upload_file", "file_summary", "docgen",
                    "secaudit_files", "testgen_files",
                ]
            ) { $0.isMultiple(of: 3) ? glm : kimi }
            + tier(
                4,
                ["analyze", "debug", "codereview", "refactor", "thinkdeep", "consensus", "precommit", "secaudit"]
            ) {
                $0.isMultiple(of: 2) ? kimi : glm
            }
    }

    /// How long one call of `tool` took, in milliseconds, and whether it failed.
    func simulatedCall(of tool: Tool, healthy: Bool, random: inout SplitMix64) -> (milliseconds: Double, failed: Bool) {
        let draw = Double.random(in: 0..<1, using: &random)
        let (low, high): (Double, Double) =
            switch tool.tier.number {
            case 1: (5, 60)
            case 2: (250, 4_000)
            case 3: (600, 8_000)
            default: (5_500, 25_000)
            }
        var milliseconds = low + (high - low) * draw * draw
        if !healthy, tool.name == "listmodels", draw > 0.7 { milliseconds = 180 + 400 * draw }
        if !healthy, tool.name == "debug", draw > 0.9 { milliseconds = 65_000 + 20_000 * draw }
        let failed = Double.random(in: 0..<1, using: &random) < 0.01
        return (milliseconds, failed)
    }
}

/// An LLM provider of the original, with its models' latencies scaled down by the run's time scale.
struct Provider: Sendable, Hashable {
    var name: String
    var model: String
    /// The usual range of a call in production, in seconds.
    var seconds: ClosedRange<Double>
    /// A share of calls that run far past the usual range (the original saw Kimi answer in about 20 s).
    var tailShare: Double

    static let glm = Provider(name: "glm", model: "glm-4.5-flash", seconds: 0.5...5, tailShare: 0)
    static let kimi = Provider(name: "kimi", model: "kimi-k2-0905-preview", seconds: 2...10, tailShare: 0.06)

    /// How long the next call takes in production, in seconds: in the usual range, or for the tail 30 to 40 s,
    /// past any timeout this example sets.
    func nextCallSeconds(random: inout SplitMix64) -> Double {
        let draw = Double.random(in: 0..<1, using: &random)
        if Double.random(in: 0..<1, using: &random) < tailShare { return 30 + 10 * draw }
        return seconds.lowerBound + (seconds.upperBound - seconds.lowerBound) * draw
    }
}
