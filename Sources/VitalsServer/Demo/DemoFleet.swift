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
/// deployment, so the dashboard, the query API and the rules have something to show.
///
/// Six agents call five models, run five tools, push documents through a four-stage pipeline and work jobs
/// off a queue: about 100 events per second of simulated time, with log-normal latencies that differ per
/// model and tool, plausible token counts and costs, a few percent of errors and timeouts, and `queue_depth`
/// and `memory_mb` gauges per agent every 10 s. Every ten minutes one model or tool has a slow spell (3–5×
/// slower for one to two minutes, with more timeouts); ``slowSpells(from:to:)`` lists them.
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
        let spells = slowSpells(
            from: Timestamp(nanosecondsSinceEpoch: base),
            to: Timestamp(nanosecondsSinceEpoch: base + 1_000_000_000)
        )
        // A daily-ish swell so charts are not flat: ±25 % over half an hour.
        let swell = 1 + 0.25 * sin(Double(second) / 1_800 * 2 * .pi)
        let counts = [35.0, 40.0, 20.0, 4.0].map { random.poisson(mean: $0 * swell) }
        for (kind, count) in counts.enumerated() {
            for _ in 0..<count {
                let end = Timestamp(nanosecondsSinceEpoch: base + Int64(random.nextDouble() * 1e9))
                let agent = Self.agents[random.nextInt(below: Self.agents.count)]
                let event: Event
                switch kind {
                case 0: event = llmCall(agent: agent, end: end, spells: spells, random: &random)
                case 1: event = toolCall(agent: agent, end: end, spells: spells, random: &random)
                case 2: event = stage(agent: agent, end: end, random: &random)
                default: event = job(agent: agent, end: end, random: &random)
                }
                timed.append((end, .event(event)))
            }
        }
        for (index, agent) in Self.agents.enumerated() {
            // Each agent reports at its own offset within the 10 s period.
            guard (second + Int64(index)) % Self.gaugeIntervalSeconds == 0 else { continue }
            let at = Timestamp(nanosecondsSinceEpoch: base + Int64(index) * 37_000_000)
            let hours = Double(second % 86_400) / 3_600
            let memory = agent.memoryBase + agent.memoryGrowth * hours + random.normal() * agent.memoryBase * 0.03
            let depth = max(0, (8 + 6 * sin(Double(second) / 300 + Double(index)) + random.normal() * 2).rounded())
            let labels = Self.labels(agent)
            timed.append((at, .sample(Sample(name: "queue_depth", value: depth, timestamp: at, labels: labels))))
            timed.append(
                (
                    at,
                    .sample(
                        Sample(name: "memory_mb", value: (memory * 10).rounded() / 10, timestamp: at, labels: labels)
                    )
                )
            )
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
            agent: agent,
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
        var duration = random.logNormal(median: tool.medianMilliseconds, sigma: tool.sigma) * (slow?.factor ?? 1)
        var status = EventStatus.ok
        var error: String?
        let roll = random.nextDouble()
        if roll < (slow == nil ? 0.006 : 0.06) || duration > Self.toolTimeoutMilliseconds {
            status = .timeout
            error = "\(tool.name) did not answer within \(Int(Self.toolTimeoutMilliseconds / 1_000)) s"
            duration = Self.toolTimeoutMilliseconds
        } else if roll < 0.006 + tool.errorRate {
            status = .error
            error = tool.errors[random.nextInt(below: tool.errors.count)]
        }
        return Self.event(
            "tool_call",
            agent: agent,
            end: end,
            milliseconds: duration,
            status: status,
            error: error,
            attributes: ["tool": .string(tool.name)]
        )
    }

    private func stage(agent: Agent, end: Timestamp, random: inout SplitMix64) -> Event {
        let phase = Self.phases[random.nextInt(below: Self.phases.count)]
        let duration = random.logNormal(median: phase.medianMilliseconds, sigma: phase.sigma)
        let failed = random.nextDouble() < phase.errorRate
        return Self.event(
            "pipeline_stage",
            agent: agent,
            end: end,
            milliseconds: duration,
            status: failed ? .error : .ok,
            error: failed ? phase.errors[random.nextInt(below: phase.errors.count)] : nil,
            attributes: [
                "phase": .string(phase.name),
                "documents": .int(Int64(1 + random.nextInt(below: 20))),
            ]
        )
    }

    private func job(agent: Agent, end: Timestamp, random: inout SplitMix64) -> Event {
        let type = Self.jobTypes[random.nextInt(below: Self.jobTypes.count)]
        let duration = random.logNormal(median: 6_000, sigma: 0.8)
        let roll = random.nextDouble()
        let status: EventStatus = roll < 0.04 ? .error : (roll < 0.05 ? .cancelled : .ok)
        return Self.event(
            "job",
            agent: agent,
            end: end,
            milliseconds: duration,
            status: status,
            error: status == .error ? "job \(type) failed: worker crashed" : nil,
            attributes: [
                "queue": .string("\(agent.service)-jobs"),
                "job_type": .string(type),
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

    /// An event of `agent` that ended at `end` after `milliseconds`.
    private static func event(
        _ name: String,
        agent: Agent,
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
            labels: labels(agent),
            attributes: attributes
        )
    }

    private static func labels(_ agent: Agent) -> Labels {
        [
            "service": agent.service, "agent_id": agent.id, "agent_name": agent.name,
            "agent_domain": agent.domain,
        ]
    }

    private static func rounded(_ milliseconds: Double) -> Double {
        (max(0, milliseconds) * 1_000).rounded() / 1_000
    }

    private static func floorSecond(_ timestamp: Timestamp) -> Int64 {
        floorDivide(timestamp.nanosecondsSinceEpoch, 1_000_000_000)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}
