import Vitals
import VitalsRules

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The parts of the simulation outside the agents: the discovery pipeline (the `pipeline` pack's `stage` events)
/// and the services the supervisor watches (`request` events, `kb_coverage`).
extension DemoFleet {
    /// A discovery run starts every this many seconds: `init`, 57 `session` stages, then `discovery` for the run.
    static let runIntervalSeconds: Int64 = 150
    static let sessionsPerRun = 57

    struct Service {
        var name: String
        var routes: [String]
        var medianMilliseconds: Double
        var errorRate: Double
        /// Usual `kb_coverage` and how far it swings.
        var coverage: Double
        var coverageSwing: Double
    }

    /// The knowledge base behind `cmms` covers too little now and then (`kb_coverage` below 80 %).
    static let services: [Service] = [
        Service(
            name: "helpdesk",
            routes: ["faq", "ticket", "handoff"],
            medianMilliseconds: 900,
            errorRate: 0.02,
            coverage: 0.91,
            coverageSwing: 0.02
        ),
        Service(
            name: "kb",
            routes: ["search", "answer"],
            medianMilliseconds: 1_300,
            errorRate: 0.015,
            coverage: 0.87,
            coverageSwing: 0.03
        ),
        Service(
            name: "cmms",
            routes: ["work_order", "diagnosis", "parts"],
            medianMilliseconds: 650,
            errorRate: 0.03,
            coverage: 0.79,
            coverageSwing: 0.05
        ),
    ]

    /// The stage events of the discovery runs that end in the second starting at `second` (seconds since the
    /// epoch). Every run keeps its `init` under 2 s and its whole `discovery` under 180 s; one session of each run
    /// takes 3.2–4.5 s, past the 3 s contract, so the pipeline has one failing stage.
    func stages(second: Int64, into timed: inout [(Timestamp, Record)]) {
        let run = Self.floorDivide(second, Self.runIntervalSeconds)
        var random = SplitMix64(seed: seed ^ (0x94D0_49BB_1331_11EB &* UInt64(bitPattern: run &+ 1)))
        var time = run * Self.runIntervalSeconds * 1_000 + Int64(random.nextInt(below: 10_000))
        let runStart = time
        let labels: Labels = ["service": "discovery"]
        var events: [(Int64, String, Double)] = []
        let initialization = min(1_900, random.logNormal(median: 700, sigma: 0.3))
        time += Int64(initialization)
        events.append((time, "init", initialization))
        let slow = random.nextInt(below: Self.sessionsPerRun)
        for session in 0..<Self.sessionsPerRun {
            let duration =
                session == slow
                ? 3_200 + 1_300 * random.nextDouble() : min(2_900, random.logNormal(median: 1_100, sigma: 0.3))
            time += Int64(duration) + 20
            events.append((time, "session", duration))
        }
        time += 50
        events.append((time, "discovery", Double(time - runStart)))
        let from = second * 1_000
        for (end, stage, duration) in events where end >= from && end < from + 1_000 {
            let at = Timestamp(nanosecondsSinceEpoch: end * 1_000_000)
            let event = Self.event(
                "stage",
                labels: labels,
                end: at,
                milliseconds: duration,
                status: .ok,
                error: nil,
                attributes: ["stage": .string(stage)]
            )
            timed.append((at, .event(event)))
        }
    }

    /// One `monitoring` event: the monitor's own cost of a measurement, well under the 1 ms contract.
    func monitoring(base: Int64, random: inout SplitMix64) -> (Timestamp, Record) {
        let end = Timestamp(nanosecondsSinceEpoch: base + Int64(random.nextDouble() * 1e9))
        let duration = min(0.8, random.logNormal(median: 0.12, sigma: 0.5))
        let event = Self.event(
            "monitoring",
            labels: ["service": "discovery"],
            end: end,
            milliseconds: duration,
            status: .ok,
            error: nil,
            attributes: [:]
        )
        return (end, .event(event))
    }

    /// A `request` event of a service the supervisor watches.
    func request(end: Timestamp, random: inout SplitMix64) -> Event {
        let service = Self.services[random.nextInt(below: Self.services.count)]
        let route = service.routes[random.nextInt(below: service.routes.count)]
        let duration = random.logNormal(median: service.medianMilliseconds, sigma: 0.6)
        let failed = random.nextDouble() < service.errorRate
        return Self.event(
            "request",
            labels: ["service": service.name],
            end: end,
            milliseconds: duration,
            status: failed ? .error : .ok,
            error: failed ? "\(route) failed: upstream returned 502" : nil,
            attributes: ["route": .string(route)]
        )
    }

    /// The `kb_coverage` of each service, when `second` is one of its reporting times.
    func coverage(second: Int64, base: Int64, random: inout SplitMix64, into timed: inout [(Timestamp, Record)]) {
        for (index, service) in Self.services.enumerated() {
            guard (second + Int64(index) * 7) % Self.coverageIntervalSeconds == 0 else { continue }
            let at = Timestamp(nanosecondsSinceEpoch: base + Int64(index) * 11_000_000)
            let swing = service.coverageSwing * sin(Double(second) / 500 + Double(index))
            let value = min(1, max(0, service.coverage + swing + 0.005 * random.normal()))
            let sample = Sample(
                name: "kb_coverage",
                value: (value * 1_000).rounded() / 1_000,
                timestamp: at,
                labels: ["service": service.name]
            )
            timed.append((at, .sample(sample)))
        }
    }
}
