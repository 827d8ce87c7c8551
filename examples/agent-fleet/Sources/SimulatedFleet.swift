import Foundation
import Vitals
import VitalsRules

/// 105 agents in three domains, working through their job queues hour by hour, from a seed. Most are healthy;
/// a few are busy, some overloaded (their queues grow), some failing (a third of their jobs fail after retries).
struct SimulatedFleet {
    struct Agent {
        var id: String
        var name: String
        var domain: String
        var concurrency: Int
        /// Jobs arriving per hour, against what the agent can finish.
        var load: Double
        var failureRate: Double
        var monitor: JobQueueMonitor
    }

    static let domains = ["maintenance", "customer", "analytics"]
    var agents: [Agent] = []
    var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        for index in 0..<105 {
            let domain = Self.domains[index % 3]
            let id = String(format: "AGENT_%03d", index + 1)
            // Agents 7, 18 and 29 are overloaded; 44 and 61 fail often; the rest vary around healthy.
            let load = [6, 17, 28].contains(index) ? 1.6 : 0.3 + Double(Int.random(in: 0...40, using: &random)) / 100
            let failures = [43, 60].contains(index) ? 0.3 : Double(Int.random(in: 0...4, using: &random)) / 100
            let labels: Labels = ["agent_id": id, "agent_name": "\(domain)-\(index + 1)", "agent_domain": domain]
            agents.append(
                Agent(
                    id: id,
                    name: "\(domain)-\(index + 1)",
                    domain: domain,
                    concurrency: Int.random(in: 2...6, using: &random),
                    load: load,
                    failureRate: failures,
                    monitor: JobQueueMonitor(labels: labels, queue: "jobs-\(domain)")
                )
            )
        }
    }

    /// The records of `hours` hours ending at `end`, oldest first.
    mutating func records(hours: Int, endingAt end: Timestamp) -> [Record] {
        var records: [Record] = []
        var waiting = Array(repeating: 0, count: agents.count)
        for hour in 0..<hours {
            let start = end.adding(milliseconds: -Double(hours - hour) * 3_600_000)
            for (index, agent) in agents.enumerated() {
                let capacity = agent.concurrency * 2  // jobs an agent can finish in an hour
                let jitter = Double(Int.random(in: -10...10, using: &random)) / 10
                let arriving = max(0, Int((Double(capacity) * agent.load + jitter).rounded()))
                waiting[index] += arriving
                let done = min(waiting[index], capacity)
                waiting[index] -= done
                for job in 0..<done {
                    let failed = Double(Int.random(in: 0..<1_000, using: &random)) / 1_000 < agent.failureRate
                    let milliseconds =
                        Double(Int.random(in: 20_000...240_000, using: &random)) * (agent.load > 1 ? 2 : 1)
                    records.append(
                        agent.monitor.finished(
                            at: start.adding(milliseconds: Double(job + 1) * 3_600_000 / Double(done + 1)),
                            milliseconds: milliseconds,
                            waitedMilliseconds: Double(waiting[index]) * 30_000,
                            attempts: failed ? 3 : 1,
                            failure: failed ? "upstream API answered 502 after 3 attempts" : nil
                        )
                    )
                }
                let cache = agent.load > 1 ? 0.45 : 0.85 + Double(Int.random(in: 0...10, using: &random)) / 100
                records += agent.monitor.state(
                    at: start.adding(milliseconds: 3_599_000),
                    waiting: waiting[index],
                    busy: Double(done) / Double(capacity),
                    concurrency: agent.concurrency,
                    cacheHitRate: cache
                )
            }
        }
        return records
    }

    /// What a tenth of a second of live work looks like: five agents, drawn at random, finish a job each and
    /// report their queue.
    mutating func tick(at now: Timestamp) -> [Record] {
        var records: [Record] = []
        for _ in 0..<5 {
            let agent = agents[Int.random(in: 0..<agents.count, using: &random)]
            let failed = Double(Int.random(in: 0..<1_000, using: &random)) / 1_000 < agent.failureRate
            records.append(
                agent.monitor.finished(
                    at: now,
                    milliseconds: Double(Int.random(in: 20_000...240_000, using: &random)),
                    waitedMilliseconds: 30_000,
                    attempts: failed ? 3 : 1,
                    failure: failed ? "upstream API answered 502 after 3 attempts" : nil
                )
            )
            records += agent.monitor.state(
                at: now,
                waiting: Int.random(in: 0...4, using: &random),
                busy: min(agent.load, 1),
                concurrency: agent.concurrency,
                cacheHitRate: 0.9
            )
        }
        return records
    }
}
