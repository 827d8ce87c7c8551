/// The built-in rule packs: each reproduces one original system's thresholds, as YAML that
/// `vitals rules show NAME` prints for copying and editing.
///
/// | pack | what it checks | data it expects |
/// | --- | --- | --- |
/// | `pipeline` | performance contracts and golden invariants of a staged pipeline | `stage` events (attribute `stage`), gauge `memory_mb`, `pattern` and `edge` events, `monitoring` events |
/// | `agents` | the agent-fleet bottleneck table, per `agent_id` | `task` events, gauges `workload_pct`, `queue_depth`, `cache_hit_rate` |
/// | `supervisor` | the supervisor's alert thresholds, per `service` | `request` events, gauge `kb_coverage` |
/// | `tool-tiers` | latency tiers and timeouts of tools, per `tool` | `tool_call` events with attribute `tier` (1–4) |
///
/// ```swift
/// let pipeline = RulePacks.pack(named: "pipeline")!
/// print(pipeline.source)   // the YAML
/// ```
public enum RulePacks {
    /// Pack names, in the order `vitals rules list` shows them.
    public static let names = ["pipeline", "agents", "supervisor", "tool-tiers"]

    /// The YAML text of a pack, `nil` for an unknown name.
    public static func yaml(named name: String) -> String? {
        switch name {
        case "pipeline": return pipelineYAML
        case "agents": return agentsYAML
        case "supervisor": return supervisorYAML
        case "tool-tiers": return toolTiersYAML
        default: return nil
        }
    }

    /// A pack, parsed; `nil` for an unknown name.
    public static func pack(named name: String) -> RuleSet? {
        guard let text = yaml(named: name) else { return nil }
        // The packs are tested to parse; a failure here is a bug in this file, not in user input.
        return try! RuleSet(yaml: text, file: name)
    }

    /// Every pack, parsed, in `names` order.
    public static var all: [RuleSet] { names.compactMap { pack(named: $0) } }
}
