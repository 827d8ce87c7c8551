import Vitals
import VitalsRules

/// The run's calls, drawn once from the seed so that every run with the same seed makes the same calls: which
/// tool, how long it takes, whether it fails, and how long its provider call takes in production.
struct CallPlan: Sendable {
    struct Call: Sendable {
        var tool: ToolCatalog.Tool
        var milliseconds: Double
        var failed: Bool
        /// The provider call's production duration in seconds, for tools that call one.
        var providerSeconds: Double?
    }

    /// Sessions served at once, as the original's concurrent session manager did.
    static let sessions = 8

    let calls: [Call]

    init(calls count: Int, seed: UInt64, healthy: Bool) {
        let catalog = ToolCatalog()
        var random = SplitMix64(seed: seed)
        calls = (0..<count).map { index in
            // Every tool is called; the cheap tiers more often, as real clients do.
            let tool = catalog.tools[
                index < catalog.tools.count ? index : Int(random.next() % UInt64(catalog.tools.count))
            ]
            let (milliseconds, failed) = catalog.simulatedCall(of: tool, healthy: healthy, random: &random)
            let providerSeconds = tool.provider.map { $0.nextCallSeconds(random: &random) }
            return Call(tool: tool, milliseconds: milliseconds, failed: failed, providerSeconds: providerSeconds)
        }
    }

    var providerCalls: Int { calls.count { $0.providerSeconds != nil } }

    /// Provider calls planned to run past their provider's limit: the calls a working timeout cuts off.
    func pastTheirTimeout(_ timeouts: TimeoutPolicy) -> Int {
        calls.count { call in
            guard let provider = call.tool.provider, let seconds = call.providerSeconds else { return false }
            return Duration.seconds(seconds) > timeouts.limit(for: provider.name)
        }
    }

    /// Makes the calls in `range`, `sessions` at a time, into the current collector; returns how many provider
    /// calls their timeout cut off.
    func run(_ range: Range<Int>, timeouts: TimeoutPolicy, timeScale: Double) async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for session in 0..<Self.sessions {
                group.addTask {
                    var timedOut = 0
                    for index in range where index % Self.sessions == session {
                        if await call(calls[index], timeouts: timeouts, timeScale: timeScale) { timedOut += 1 }
                    }
                    return timedOut
                }
            }
            return await group.reduce(0, +)
        }
    }

    /// One call: its provider call (if any) really runs under the provider's timeout, scaled down; the tool call
    /// is recorded with its simulated duration. Returns whether the provider call timed out.
    private func call(_ call: Call, timeouts: TimeoutPolicy, timeScale: Double) async -> Bool {
        var timedOut = false
        if let provider = call.tool.provider, let seconds = call.providerSeconds {
            let start = Timestamp.now()
            do {
                // withTimeout records the `llm_call` event of a call it cuts off; a call that answers in time is
                // recorded here, once.
                try await withTimeout(
                    timeouts.limit(for: provider.name) * (1 / timeScale),
                    name: "llm_call",
                    provider: provider.name
                ) {
                    try await Task.sleep(for: .seconds(seconds / timeScale))
                }
                recordLLMCall(
                    model: provider.model,
                    provider: provider.name,
                    start: start,
                    end: .now(),
                    promptTokens: 800,
                    completionTokens: Int(seconds * 40)
                )
            } catch {
                timedOut = error is TimeoutError
            }
        }
        var labels: Labels = ["tool": call.tool.name, "tier": String(call.tool.tier.number)]
        if let provider = call.tool.provider { labels["provider"] = provider.name }
        let end = Timestamp.now()
        let nanoseconds = Int64(call.milliseconds * 1_000_000)
        recordEvent(
            Event(
                name: "tool_call",
                start: Timestamp(nanosecondsSinceEpoch: end.nanosecondsSinceEpoch - nanoseconds),
                end: end,
                durationMilliseconds: call.milliseconds,
                status: timedOut ? .timeout : call.failed ? .error : .ok,
                error: timedOut ? "the provider's timeout cut the call off" : call.failed ? "the tool failed" : nil,
                labels: labels
            )
        )
        return timedOut
    }
}
