package import Vitals
import VitalsRules

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Who is in the simulated fleet, and when its agents get into trouble.
extension DemoFleet {
    /// What goes wrong with a degrading agent.
    package enum TroubleKind: String, Sendable, CaseIterable {
        /// More work than it can take: workload towards 100 %, the queue past 100 tasks.
        case overload
        /// Its tasks fail (a bad deploy, an API down): error rate up to about 30 %, tasks slower.
        case errors
        /// Its cache went cold: hit rate down to about 40 %, tasks slower.
        case cache
    }

    /// A period when one agent degrades: it worsens over 90 s, stays bad, then recovers over 90 s.
    package struct Trouble: Sendable, Hashable {
        /// The agent's `agent_id`.
        package var agentID: String
        /// What goes wrong.
        package var kind: TroubleKind
        /// When it starts to worsen.
        package var start: Timestamp
        /// When it has recovered.
        package var end: Timestamp

        /// How bad it is at `time`: 0 (fine) to 1 (at its worst).
        package func severity(at time: Timestamp) -> Double {
            let fromStart = time.milliseconds(since: start) / 1_000
            let toEnd = end.milliseconds(since: time) / 1_000
            return max(0, min(1, fromStart / DemoFleet.troubleRampSeconds, toEnd / DemoFleet.troubleRampSeconds))
        }
    }

    struct Agent {
        var index: Int
        var id: String
        var name: String
        var domain: String
        var service: String
        var models: [Int]
        var tools: [Int]
        /// Usual workload, in percent.
        var workload: Double
        var queue: Double
        /// Tasks it runs at once when fully busy.
        var capacity: Double
        var cacheHitRate: Double
        var memoryBase: Double
        /// MB gained per hour until a restart every 40 minutes; one agent in 27 leaks.
        var memoryGrowth: Double
        var taskMilliseconds: Double
    }

    /// Three domains of 36 agents (six roles, six instances each): 108 agents.
    static let agents: [Agent] = {
        let domains: [(domain: String, service: String, roles: [String], models: [Int], tools: [Int], task: Double)] =
            [
                (
                    "support", "helpdesk", ["triage", "refunds", "escalation", "faq", "billing", "onboarding"], [1, 3],
                    [0, 2, 3, 1], 20_000
                ),
                (
                    "knowledge", "kb", ["curator", "summarizer", "gap-finder", "indexer", "researcher", "translator"],
                    [0, 2], [1, 2, 6, 7], 45_000
                ),
                (
                    "maintenance", "cmms",
                    ["work-order", "inspection", "parts", "scheduler", "diagnostics", "telemetry"],
                    [4, 1], [4, 5, 3, 0], 30_000
                ),
            ]
        var agents: [Agent] = []
        var random = SplitMix64(seed: 0xA9E7_5EED)
        for domain in domains {
            for instance in 1...6 {
                for role in domain.roles {
                    let index = agents.count
                    // One agent in nine runs busy (70-85 %) as a matter of course; the rest have room.
                    let workload = index % 9 == 4 ? 72 + 10 * random.nextDouble() : 20 + 42 * random.nextDouble()
                    agents.append(
                        Agent(
                            index: index,
                            id: "AGENT_" + String(index + 1).leftPadded(to: 3),
                            name: "\(role)-\(String(instance).leftPadded(to: 2))",
                            domain: domain.domain,
                            service: domain.service,
                            models: domain.models,
                            tools: domain.tools,
                            workload: workload,
                            queue: 2 + 10 * random.nextDouble(),
                            capacity: Double(4 + random.nextInt(below: 5)),
                            cacheHitRate: 0.86 + 0.11 * random.nextDouble(),
                            memoryBase: 40 + 35 * random.nextDouble(),
                            memoryGrowth: index % 27 == 13 ? 30 : 0,
                            taskMilliseconds: domain.task * (0.6 + 0.8 * random.nextDouble())
                        )
                    )
                }
            }
        }
        return agents
    }()

    static let troubleWindowSeconds: Int64 = 600
    static let troubleRampSeconds = 90.0
    /// Agents that get into trouble per window of each of the two interleaved schedules.
    static let troublesPerWindow = 2

    /// The troubles overlapping `[from, to)`. Two schedules, 300 s apart, each put two agents in trouble for
    /// 7–9 minutes of every 10, so that at any moment two to four agents are degrading or recovering.
    package func troubles(from: Timestamp, to: Timestamp) -> [Trouble] {
        guard from < to else { return [] }
        var found: [Trouble] = []
        for schedule in Int64(0)..<2 {
            let shift = schedule * Self.troubleWindowSeconds / 2
            var window = Self.floorDivide(Self.floorSecond(from) - shift, Self.troubleWindowSeconds) - 1
            let last = Self.floorDivide(Self.floorSecond(to) - shift, Self.troubleWindowSeconds)
            while window <= last {
                for trouble in troubles(window: window, schedule: schedule)
                where trouble.start < to && trouble.end > from {
                    found.append(trouble)
                }
                window += 1
            }
        }
        return found
    }

    private func troubles(window: Int64, schedule: Int64) -> [Trouble] {
        var random = SplitMix64(
            seed: seed ^ (0xB5AD_4ECE_DA1C_E2A9 &* UInt64(bitPattern: window &* 2 &+ schedule &+ 1))
        )
        let windowStart = window * Self.troubleWindowSeconds + schedule * Self.troubleWindowSeconds / 2
        var chosen: [Int] = []
        var troubles: [Trouble] = []
        while chosen.count < Self.troublesPerWindow {
            let agent = random.nextInt(below: Self.agents.count)
            if chosen.contains(agent) { continue }
            chosen.append(agent)
            let start = windowStart + Int64(random.nextInt(below: 120))
            let length = Int64(420 + random.nextInt(below: 120))
            troubles.append(
                Trouble(
                    agentID: Self.agents[agent].id,
                    kind: TroubleKind.allCases[random.nextInt(below: TroubleKind.allCases.count)],
                    start: Timestamp(nanosecondsSinceEpoch: start * 1_000_000_000),
                    end: Timestamp(nanosecondsSinceEpoch: (start + length) * 1_000_000_000)
                )
            )
        }
        return troubles
    }

    /// The gauges of `agent` at `time`, given its trouble (if any) and how bad it is.
    static func gauges(
        of agent: Agent,
        at time: Timestamp,
        second: Int64,
        trouble: (kind: TroubleKind, severity: Double)?,
        random: inout SplitMix64
    ) -> [Sample] {
        let severity = trouble?.severity ?? 0
        let kind = trouble?.kind
        let wave = sin(Double(second) / 400 + Double(agent.index))
        var workload = agent.workload + 6 * wave + 2 * random.normal()
        var queue = agent.queue * (1 + 0.4 * wave) + random.normal()
        var cache = agent.cacheHitRate + 0.01 * random.normal()
        switch kind {
        case .overload?:
            workload += (99.5 - workload) * severity
            queue += 125 * severity
        case .errors?:
            workload += 12 * severity
            queue += 20 * severity
        case .cache?:
            workload += 18 * severity
            queue += 30 * severity
            cache -= 0.5 * severity
        case nil:
            break
        }
        workload = min(100, max(0, workload))
        let restarts = Double(second % 2_400) / 3_600
        let memory = agent.memoryBase + agent.memoryGrowth * restarts + random.normal() * agent.memoryBase * 0.02
        let labels = labels(agent)
        func sample(_ name: String, _ value: Double, scale: Double = 10) -> Sample {
            Sample(name: name, value: (value * scale).rounded() / scale, timestamp: time, labels: labels)
        }
        return [
            sample("workload_pct", workload),
            sample("queue_depth", max(0, queue), scale: 1),
            sample("concurrent_tasks", (agent.capacity * workload / 100), scale: 1),
            sample("cache_hit_rate", min(1, max(0, cache)), scale: 1_000),
            sample("memory_mb", min(98, max(1, memory))),
        ]
    }

    static func labels(_ agent: Agent) -> Labels {
        [
            "service": agent.service, "agent_id": agent.id, "agent_name": agent.name,
            "agent_domain": agent.domain,
        ]
    }
}

extension String {
    /// The text with zeros in front up to `width` characters: `7` → `007`.
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
