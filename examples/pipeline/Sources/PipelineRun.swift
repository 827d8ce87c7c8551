import Foundation
import Vitals
import VitalsRules

/// One simulated run of the staged discovery pipeline (initialisation, 57 sessions, the full discovery), recorded
/// into a collector as the original monitor recorded it: `stage` events, `memory_mb` samples, `pattern` and `edge`
/// events, and `monitoring` events measuring the monitor's own cost. Durations, patterns and memory come from the
/// seed; the clock is simulated (a run "takes" two minutes and is written in milliseconds).
struct PipelineRun {
    static let sessions = 57
    static let patternTypes = [
        "fvg_redelivery", "liquidity_sweep", "expansion", "consolidation", "retracement", "reversal",
    ]
    static let intents = ["temporal", "structural", "causal", "confluence"]

    var random: SplitMix64
    var degraded: Bool
    var leak: Bool
    var clock = Timestamp(nanosecondsSinceEpoch: 1_749_988_800_000_000_000)  // 2025-06-15T12:00:00Z

    /// Records the run into `collector`; returns the memory samples (also recorded as gauge lines).
    mutating func record(into collector: EventCollector, monitorOverheadMilliseconds: Double) -> [Sample] {
        var samples: [Sample] = []
        let started = clock
        stage("init", milliseconds: Double(Int.random(in: 1_200...1_800, using: &random)), into: collector)
        for session in 0..<Self.sessions {
            // Degraded: the sessions slower (yet each under 3 s), but session 41 past the contract.
            var milliseconds = Double(Int.random(in: degraded ? 2_000...2_900 : 1_500...2_800, using: &random))
            if degraded && session == 41 { milliseconds = 3_400 }
            let sessionID = String(format: "s%02d", session)
            stage("session", milliseconds: milliseconds, into: collector, labels: ["session_id": .string(sessionID)])
            for _ in 0..<Int.random(in: 3...6, using: &random) {
                let type = Self.patternTypes[Int.random(in: 0..<6, using: &random)]
                let authenticity = Double(Int.random(in: 860...970, using: &random)) / 1_000
                collector.record(
                    event("pattern", milliseconds: 0, ["type": .string(type), "authenticity": .double(authenticity)])
                )
            }
            for _ in 0..<Int.random(in: 4...8, using: &random) {
                let intent = Self.intents[Int.random(in: 0..<4, using: &random)]
                collector.record(
                    event("edge", milliseconds: 0, ["intent": .string(intent), "cross_session": .bool(false)])
                )
            }
            collector.record(event("monitoring", milliseconds: monitorOverheadMilliseconds, [:]))
            let growth = leak ? 0.6 * Double(session) : 0
            let memory = 58 + growth + Double(Int.random(in: -30...30, using: &random)) / 10
            samples.append(Sample(name: "memory_mb", value: memory, timestamp: clock))
        }
        let total = Double(clock.nanosecondsSinceEpoch - started.nanosecondsSinceEpoch) / 1_000_000
        collector.record(
            Event(
                name: "stage",
                start: started,
                end: clock,
                durationMilliseconds: total,
                attributes: ["stage": "discovery"]
            )
        )
        return samples
    }

    private mutating func stage(
        _ name: String,
        milliseconds: Double,
        into collector: EventCollector,
        labels: Attributes = [:]
    ) {
        var attributes: Attributes = ["stage": .string(name)]
        for label in labels { attributes[label.key] = label.value }
        collector.record(event("stage", milliseconds: milliseconds, attributes))
    }

    /// An event that starts now on the simulated clock, which then moves past it.
    private mutating func event(_ name: String, milliseconds: Double, _ attributes: Attributes) -> Event {
        let start = clock
        clock = clock.adding(milliseconds: milliseconds)
        return Event(name: name, start: start, end: clock, durationMilliseconds: milliseconds, attributes: attributes)
    }
}
