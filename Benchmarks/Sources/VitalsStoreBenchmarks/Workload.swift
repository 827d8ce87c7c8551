import Foundation
import Vitals

/// The events the store benchmarks ingest: LLM calls with identity labels, a model, token counts and cost, and
/// log-normal-ish durations; 2 % fail. Generated from a fixed seed so every run stores the same data.
struct Workload {
    private var random: SplitMix
    let agents: Int
    let models: [String]
    /// One event in `failureEvery` fails (0: none fail, so the series are exactly agents × models).
    let failureEvery: UInt64

    init(seed: UInt64, agents: Int, models: [String], failureEvery: UInt64 = 50) {
        random = SplitMix(seed: seed)
        self.agents = agents
        self.models = models
        self.failureEvery = failureEvery
    }

    /// `count` events ending between `from` and `to` (nanoseconds), in time order.
    mutating func batch(count: Int, from: Int64, to: Int64) -> [Record] {
        var records: [Record] = []
        records.reserveCapacity(count)
        let step = max(1, (to - from) / Int64(max(1, count)))
        for index in 0..<count {
            let agent = Int(random.next() % UInt64(agents))
            let model = models[Int(random.next() % UInt64(models.count))]
            let failed = failureEvery > 0 && random.next() % failureEvery == 0
            let uniform = Double(random.next() >> 11) / Double(1 << 53)
            let duration = (80 * exp(3 * uniform) * 10).rounded() / 10
            var attributes = Attributes()
            attributes["model"] = .string(model)
            attributes["prompt_tokens"] = .int(Int64(500 + random.next() % 1_500))
            attributes["completion_tokens"] = .int(Int64(20 + random.next() % 400))
            attributes["cost_usd"] = .double(Double(random.next() % 1_000) / 100_000)
            let event = Event(
                name: "llm_call",
                end: Timestamp(nanosecondsSinceEpoch: from + Int64(index) * step),
                durationMilliseconds: duration,
                status: failed ? .error : .ok,
                error: failed ? "upstream returned 503" : nil,
                labels: ["service": "support-bot", "agent_id": "agent-\(agent)"],
                attributes: attributes
            )
            records.append(.event(event))
        }
        return records
    }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Wall-clock timing and process figures.
enum Measure {
    static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        let start = ContinuousClock.now
        try await body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// User plus system CPU time of this process so far, in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }

    /// Peak resident set size of this process so far, in MiB (`VmHWM`).
    static func peakRSSMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kib = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kib / 1024
        }
        return 0
    }

    /// Bytes of a SQLite database and its WAL and shared-memory files.
    static func databaseBytes(_ path: String) -> Int {
        [path, path + "-wal", path + "-shm"].reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
        }
    }

    static func percentile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let rank = max(1, Int((q * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }

    static func grouped(_ value: Double) -> String {
        let text = String(Int(value.rounded()))
        var result = ""
        for (index, digit) in text.enumerated() {
            if index > 0, (text.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }
}

/// The shape a real fleet sends: every event of a batch in a series of its own. 100 agents (long `agent_id` values,
/// as generated ids are) × 10 operations, each with a `model` label: 1,000 series, all of them in every batch of
/// 1,000, each name at 100 series (under the store's 1,000 per name, so nothing overflows).
struct FleetWorkload {
    private var random = SplitMix(seed: 11)
    static let operations = [
        "llm_call", "tool_call", "retrieve", "embed", "plan", "rerank", "summarize", "classify", "route", "verify",
    ]
    static let models = ["gpt-5-mini", "claude-sonnet-4", "llama-4-70b"]

    /// `count` events ending between `from` and `to` (nanoseconds); event `i` goes to series `i % 1,000`.
    mutating func batch(count: Int, from: Int64, to: Int64) -> [Record] {
        var records: [Record] = []
        records.reserveCapacity(count)
        let step = max(1, (to - from) / Int64(max(1, count)))
        for index in 0..<count {
            let series = index % 1_000
            let agent = series % 100
            let operation = Self.operations[series / 100]
            let uniform = Double(random.next() >> 11) / Double(1 << 53)
            var attributes = Attributes()
            attributes["prompt_tokens"] = .int(Int64(500 + random.next() % 1_500))
            attributes["completion_tokens"] = .int(Int64(20 + random.next() % 400))
            let event = Event(
                name: operation,
                end: Timestamp(nanosecondsSinceEpoch: from + Int64(index) * step),
                durationMilliseconds: (80 * exp(3 * uniform) * 10).rounded() / 10,
                status: .ok,
                labels: [
                    "service": "support-bot",
                    "agent_id": "support-agent-\(agent)-7f3a9c2e-41b8-4f7e-9d1c-aa5e6b7c8d9e",
                    "model": Self.models[agent % Self.models.count],
                ],
                attributes: attributes
            )
            records.append(.event(event))
        }
        return records
    }
}
