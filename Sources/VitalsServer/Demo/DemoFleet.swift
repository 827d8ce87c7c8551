package import Vitals
import VitalsRules

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A simulated fleet of AI agents for `vitals serve --demo`: events and gauge samples that look like a real
/// deployment and feed every built-in rule pack, so the dashboard, the query API and the rules have something to
/// show.
///
/// 108 agents in three domains (`support`, `knowledge`, `maintenance`; labelled `agent_id`, `agent_name`,
/// `agent_domain`, `service`) call five models (`llm_call` with tokens and cost) and eight tools (`tool_call` with
/// `tool` and its latency `tier`, one tool slower-tiered than it needs) and finish `task` events; each reports
/// `workload_pct`, `queue_depth`, `concurrent_tasks`, `cache_hit_rate` and `memory_mb` every 15 s. A discovery
/// pipeline sends `stage` events (`init`, `session`, `discovery`) that keep their contracts but for one slow session
/// per run, and `monitoring` events; three services send `request` events and `kb_coverage`. In all about 100
/// events per second of simulated time, with log-normal latencies, a few percent of errors and timeouts.
///
/// Things change over minutes: every ten minutes one model or tool has a slow spell (3–5× slower for one to two
/// minutes, ``slowSpells(from:to:)``), and two to four agents at a time degrade (overloaded, failing or with a cold
/// cache) and recover over seven to nine minutes (``troubles(from:to:)``), so workload bands, bottlenecks and
/// alerts move.
///
/// The output depends only on the seed and the interval: each second of simulated time is generated from
/// its own random stream, so `records(from: a, to: c)` holds the same records as `records(from: a, to: b)`
/// followed by `records(from: b, to: c)`.
///
/// ```swift
/// var fleet = DemoFleet(seed: 42)
/// let now = Timestamp.now()
/// let lastMinute = fleet.records(from: now.adding(milliseconds: -60_000), to: now)
/// ```
package struct DemoFleet: Sendable {
    /// A period when one model or tool runs several times slower than usual.
    package struct SlowSpell: Sendable, Hashable {
        /// `model` or `tool`.
        package var kind: String
        /// The model's or tool's name.
        package var name: String
        /// When it starts.
        package var start: Timestamp
        /// When it ends.
        package var end: Timestamp
        /// How many times slower than usual.
        package var factor: Double
    }

    /// The seed the fleet was made with.
    package let seed: UInt64
    /// How many records the fleet has produced so far.
    package private(set) var recordsProduced = 0

    /// Creates a fleet; the same seed gives the same records.
    package init(seed: UInt64) {
        self.seed = seed
    }

    /// The events that ended, and the gauge samples taken, in `[from, to)`, in time order.
    ///
    /// - Parameters:
    ///   - from: The start of the interval, included.
    ///   - to: The end of the interval, excluded.
    /// - Returns: Events and samples, sorted by their end time or timestamp.
    package mutating func records(from: Timestamp, to: Timestamp) -> [Record] {
        guard from < to else { return [] }
        var timed: [(Timestamp, Record)] = []
        let first = Self.floorSecond(from)
        let last = Self.floorSecond(Timestamp(nanosecondsSinceEpoch: to.nanosecondsSinceEpoch - 1))
        var second = first
        while second <= last {
            generate(second: second, into: &timed)
            second += 1
        }
        let records = timed.filter { $0.0 >= from && $0.0 < to }.sorted { $0.0 < $1.0 }.map(\.1)
        recordsProduced += records.count
        return records
    }

    /// The slow spells overlapping `[from, to)`.
    package func slowSpells(from: Timestamp, to: Timestamp) -> [SlowSpell] {
        guard from < to else { return [] }
        let window = Int64(Self.spellWindowSeconds)
        var index = Self.floorDivide(Self.floorSecond(from), window) - 1
        let lastIndex = Self.floorDivide(Self.floorSecond(to), window)
        var spells: [SlowSpell] = []
        while index <= lastIndex {
            let spell = spell(window: index)
            if spell.start < to && spell.end > from { spells.append(spell) }
            index += 1
        }
        return spells
    }

    // MARK: - Generation

    private func generate(second: Int64, into timed: inout [(Timestamp, Record)]) {
        var random = SplitMix64(seed: seed ^ (UInt64(bitPattern: second) &* 0x9E37_79B9_7F4A_7C15))
        let base = second * 1_000_000_000
        let from = Timestamp(nanosecondsSinceEpoch: base)
        let to = Timestamp(nanosecondsSinceEpoch: base + 1_000_000_000)
        let spells = slowSpells(from: from, to: to)
        var trouble: [String: (kind: TroubleKind, severity: Double)] = [:]
        for spell in troubles(from: from, to: to) {
            let severity = spell.severity(at: from)
            if severity > (trouble[spell.agentID]?.severity ?? 0) { trouble[spell.agentID] = (spell.kind, severity) }
        }
        // A daily-ish swell so charts are not flat: ±25 % over half an hour.
        let swell = 1 + 0.25 * sin(Double(second) / 1_800 * 2 * .pi)
        let counts = [32.0, 40.0, 6.0, 6.0].map { random.poisson(mean: $0 * swell) }
        for (kind, count) in counts.enumerated() {
            for _ in 0..<count {
                let end = Timestamp(nanosecondsSinceEpoch: base + Int64(random.nextDouble() * 1e9))
                let agent = Self.agents[random.nextInt(below: Self.agents.count)]
                let event: Event
                switch kind {
                case 0: event = llmCall(agent: agent, end: end, spells: spells, random: &random)
                case 1: event = toolCall(agent: agent, end: end, spells: spells, random: &random)
                case 2: event = task(agent: agent, end: end, trouble: trouble[agent.id], random: &random)
                default: event = request(end: end, random: &random)
                }
                timed.append((end, .event(event)))
            }
        }
        stages(second: second, into: &timed)
        timed.append(monitoring(base: base, random: &random))
        coverage(second: second, base: base, random: &random, into: &timed)
        for agent in Self.agents {
            // Each agent reports at its own offset within the period.
            guard (second + Int64(agent.index)) % Self.gaugeIntervalSeconds == 0 else { continue }
            let at = Timestamp(nanosecondsSinceEpoch: base + Int64(agent.index) * 7_000_000)
            for sample in Self.gauges(
                of: agent,
                at: at,
                second: second,
                trouble: trouble[agent.id],
                random: &random
            ) {
                timed.append((at, .sample(sample)))
            }
        }
    }

    private func llmCall(agent: Agent, end: Timestamp, spells: [SlowSpell], random: inout SplitMix64) -> Event {
        let model = Self.models[agent.models[random.nextInt(below: agent.models.count)]]
        let slow = spells.first { $0.kind == "model" && $0.name == model.name && $0.start <= end && end < $0.end }
        var duration = random.logNormal(median: model.medianMilliseconds, sigma: model.sigma) * (slow?.factor ?? 1)
        let prompt = Int64(random.logNormal(median: model.promptTokens, sigma: 0.5).rounded())
        var completion = Int64(random.logNormal(median: model.completionTokens, sigma: 0.6).rounded())
        var status = EventStatus.ok
        var error: String?
        let roll = random.nextDouble()
        if roll < (slow == nil ? 0.008 : 0.08) || duration > Self.llmTimeoutMilliseconds {
            status = .timeout
            error = "no response from \(model.provider) within \(Int(Self.llmTimeoutMilliseconds / 1_000)) s"
            duration = Self.llmTimeoutMilliseconds
            completion = 0
        } else if roll < 0.03 {
            status = .error
            error = Self.llmErrors[random.nextInt(below: Self.llmErrors.count)]
            completion = 0
        }
        let cost = (Double(prompt) * model.promptPrice + Double(completion) * model.completionPrice) / 1_000_000
        return Self.event(
            "llm_call",
            labels: Self.labels(agent),
            end: end,
            milliseconds: duration,
            status: status,
            error: error,
            attributes: [
                "model": .string(model.name),
                "provider": .string(model.provider),
                "prompt_tokens": .int(prompt),
                "completion_tokens": .int(completion),
                "total_tokens": .int(prompt + completion),
                "cost_usd": .double((cost * 1_000_000).rounded() / 1_000_000),
            ]
        )
    }

    private func toolCall(agent: Agent, end: Timestamp, spells: [SlowSpell], random: inout SplitMix64) -> Event {
        let tool = Self.tools[agent.tools[random.nextInt(below: agent.tools.count)]]
        let slow = spells.first { $0.kind == "tool" && $0.name == tool.name && $0.start <= end && end < $0.end }
        let timeout = Self.tierTimeoutMilliseconds[tool.tier]
        var duration = random.logNormal(median: tool.medianMilliseconds, sigma: tool.sigma) * (slow?.factor ?? 1)
        var status = EventStatus.ok
        var error: String?
        let roll = random.nextDouble()
        if roll < (slow == nil ? 0.004 : 0.05) || duration > timeout {
            status = .timeout
            error = "\(tool.name) did not answer within \(Int(timeout / 1_000)) s"
            duration = timeout
        } else if roll < 0.004 + tool.errorRate {
            status = .error
            error = tool.errors[random.nextInt(below: tool.errors.count)]
        }
        return Self.event(
            "tool_call",
            labels: Self.labels(agent),
            end: end,
            milliseconds: duration,
            status: status,
            error: error,
            // The tier as a number, as clients write it: an integer attribute of a label key is a label.
            attributes: ["tool": .string(tool.name), "tier": .int(Int64(tool.tier))]
        )
    }

    /// A finished task of `agent`; an agent in trouble fails more (`errors`) or works slower.
    private func task(
        agent: Agent,
        end: Timestamp,
        trouble: (kind: TroubleKind, severity: Double)?,
        random: inout SplitMix64
    ) -> Event {
        let type = Self.taskTypes[random.nextInt(below: Self.taskTypes.count)]
        let severity = trouble?.severity ?? 0
        let failing = trouble?.kind == .errors ? 0.3 * severity : 0
        let slower = trouble == nil ? 1 : 1 + (trouble?.kind == .overload ? 0.5 : 1.5) * severity
        let duration = random.logNormal(median: agent.taskMilliseconds, sigma: 0.6) * slower
        let roll = random.nextDouble()
        // Under 1 % of a healthy agent's tasks fail, so that its ~50 tasks of a quarter hour rarely pass the pack's
        // 5 % by chance and the error-rate bottlenecks are the agents in trouble.
        let status: EventStatus =
            roll < 0.006 + failing ? (roll < 0.001 ? .timeout : .error) : (roll < 0.009 + failing ? .cancelled : .ok)
        let error: String? =
            switch status {
            case .error: "task \(type) failed: \(trouble?.kind == .errors ? "upstream API returned 503" : "bad input")"
            case .timeout: "task \(type) ran past its deadline"
            default: nil
            }
        return Self.event(
            "task",
            labels: Self.labels(agent),
            end: end,
            milliseconds: duration,
            status: status,
            error: error,
            attributes: [
                "queue": .string("\(agent.service)-tasks"),
                "task_type": .string(type),
                "attempt": .int(Int64(1 + (roll < 0.1 ? 1 : 0))),
            ]
        )
    }

    /// The slow spell of a ten-minute window: which model or tool, when, how much slower.
    private func spell(window: Int64) -> SlowSpell {
        var random = SplitMix64(seed: seed &+ 0xD1B5_4A32_D192_ED03 &* UInt64(bitPattern: window))
        let windowStart = window * Int64(Self.spellWindowSeconds) * 1_000_000_000
        let offset = Int64(random.nextInt(below: 8 * 60)) * 1_000_000_000
        let length = Int64(60 + random.nextInt(below: 61)) * 1_000_000_000
        let useModel = random.nextDouble() < 0.5
        let name =
            useModel
            ? Self.models[random.nextInt(below: Self.models.count)].name
            : Self.tools[random.nextInt(below: Self.tools.count)].name
        let start = Timestamp(nanosecondsSinceEpoch: windowStart + offset)
        return SlowSpell(
            kind: useModel ? "model" : "tool",
            name: name,
            start: start,
            end: Timestamp(nanosecondsSinceEpoch: start.nanosecondsSinceEpoch + length),
            factor: 3 + 2 * random.nextDouble()
        )
    }

    /// An event labelled `labels` that ended at `end` after `milliseconds`.
    static func event(
        _ name: String,
        labels: Labels,
        end: Timestamp,
        milliseconds: Double,
        status: EventStatus,
        error: String?,
        attributes: Attributes
    ) -> Event {
        Event(
            name: name,
            start: end.adding(milliseconds: -milliseconds),
            end: end,
            durationMilliseconds: rounded(milliseconds),
            status: status,
            error: error,
            labels: labels,
            attributes: attributes
        )
    }

    private static func rounded(_ milliseconds: Double) -> Double {
        (max(0, milliseconds) * 1_000).rounded() / 1_000
    }

    static func floorSecond(_ timestamp: Timestamp) -> Int64 {
        floorDivide(timestamp.nanosecondsSinceEpoch, 1_000_000_000)
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}
