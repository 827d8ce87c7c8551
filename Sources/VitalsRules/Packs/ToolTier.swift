/// A latency tier of the `tool-tiers` pack: its range, its timeout and the pack's rules for it.
///
/// Tier 1 tools take no parameters (under 100 ms, timeout 5 s); tier 2 take simple parameters (200 ms–5 s, timeout
/// 30 s); tier 3 depend on files (500 ms–10 s, timeout 60 s); tier 4 are workflows (5–30 s, timeout 60 s).
///
/// ```swift
/// let tier = try #require(ToolTier(2))
/// var evaluator = RuleEvaluator(rules: tier.rules)   // tool_call events with tool and tier "2"
/// ```
public struct ToolTier: Sendable, Hashable {
    /// 1 to 4.
    public let number: Int
    /// How long one call may take before it is cut off.
    public let timeout: Duration
    /// The 95th percentile a call of the tier must stay under.
    public let latencyCeilingMilliseconds: Double

    /// The tier `number`, or `nil` outside 1…4.
    public init?(_ number: Int) {
        switch number {
        case 1: (timeout, latencyCeilingMilliseconds) = (.seconds(5), 100)
        case 2: (timeout, latencyCeilingMilliseconds) = (.seconds(30), 5_000)
        case 3: (timeout, latencyCeilingMilliseconds) = (.seconds(60), 10_000)
        case 4: (timeout, latencyCeilingMilliseconds) = (.seconds(60), 30_000)
        default: return nil
        }
        self.number = number
    }

    /// The `tool-tiers` pack's rules for this tier (latency, floor, timeout), which read `tool_call` events whose
    /// `tier` attribute is this tier's number.
    public var rules: [Rule] {
        // The pack is built in and valid (a test reads every pack), so resolving it cannot fail.
        let pack = (try? RuleSet.resolve("tool-tiers"))?.rules ?? []
        return pack.filter { $0.name.hasPrefix("tier\(number)-") }
    }
}
