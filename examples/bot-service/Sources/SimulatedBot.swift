import Logging
import Vitals
import VitalsRules

/// The bot's traffic, drawn from a seed: messages routed A to D, each needing a knowledge-base lookup and an LLM
/// answer; some open a work order. During the outage (the middle third of the messages, with `outage`) the chat
/// API fails one answer in four.
struct SimulatedBot {
    var random: SplitMix64
    let outage: Bool
    let prices: PriceTable
    let tracker: PerformanceTracker
    let logger: Logger

    static let routes = ["route_a", "route_b", "route_c", "route_d"]
    static let topics = ["pump seal", "vfd fault F004", "conveyor belt", "chiller alarm", "boiler pressure"]

    /// Handles `count` messages; returns the share of KB queries with strong coverage.
    mutating func handle(messages count: Int) -> Double {
        // Timed as the original's `@timed_operation` did: a PERF line in the log when the block ends.
        timed("handle_messages", logger: logger) { answer(count) }
    }

    private mutating func answer(_ count: Int) -> Double {
        var strong = 0
        for index in 0..<count {
            let route = Self.routes[Int.random(in: 0..<4, using: &random)]
            let coverage = ["strong", "strong", "strong", "thin", "none"][Int.random(in: 0..<5, using: &random)]
            if coverage == "strong" { strong += 1 }
            let topic = Self.topics[Int.random(in: 0..<Self.topics.count, using: &random)]
            let failing =
                outage && index >= count / 3 && index < 2 * count / 3
                && Int.random(in: 0..<2, using: &random) == 0

            // Hot paths through the in-process tracker (the original's PerformanceTracker), the rest as events.
            let lookup = Double(Int.random(in: 5...40, using: &random))
            tracker.record("kb_lookup", nanoseconds: UInt64(lookup * 1_000_000))
            KBMonitor.queried(coverage: coverage, topic: topic)

            var usage = LLMUsage(
                promptTokens: 600 + Int.random(in: 0..<900, using: &random),
                completionTokens: 40 + Int.random(in: 0..<200, using: &random)
            )
            var call = Event(
                name: "llm_call",
                durationMilliseconds: Double(Int.random(in: 400...2_500, using: &random)),
                status: failing ? .error : .ok,
                error: failing ? "chat API answered 503" : nil,
                attributes: usage.attributes(model: "claude-haiku-4-5", phase: nil, provider: "anthropic")
            )
            _ = prices.fillCost(&call)
            recordEvent(call)
            if failing { usage = LLMUsage() }

            let answer = lookup + call.durationMilliseconds + Double(Int.random(in: 5...60, using: &random))
            tracker.record("route_query", nanoseconds: UInt64(answer * 1_000_000), failed: failing)
            ChatMonitor.answered(route: route, milliseconds: answer, error: failing ? "chat API answered 503" : nil)

            if Int.random(in: 0..<10, using: &random) == 0 {
                CMMSMonitor.workOrderCreated(priority: Int.random(in: 0..<3, using: &random) == 0 ? "high" : "normal")
            }
            if Int.random(in: 0..<12, using: &random) == 0 {
                CMMSMonitor.workOrderCompleted(resolutionMinutes: Double(Int.random(in: 15...480, using: &random)))
            }
        }
        return count == 0 ? 0 : Double(strong) / Double(count)
    }
}
