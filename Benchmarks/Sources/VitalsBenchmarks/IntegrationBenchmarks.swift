import CVitalsShims
import CoreMetrics
import Foundation
import Prometheus
import Synchronization
import Vitals
import VitalsIntegrations

/// The swift-metrics door: a `Timer` recording through `VitalsMetricsFactory` against the same `Timer` through
/// swift-prometheus's `PrometheusMetricsFactory`, both held and created per call (`Timer(label:dimensions:)` for
/// every measurement, the common pattern), with the clock floor of this run as the reference.
enum IntegrationBenchmarks {
    /// Where the floor's atomic add lands; a class so the add is on memory the optimiser cannot see through.
    final class Counter: Sendable {
        let value = Atomic<UInt64>(0)
    }

    static let floor = "integrations floor: 2 clock reads + atomic add"
    static let vitalsHeld = "swift-metrics Timer → Vitals, held"
    static let prometheusHeld = "swift-metrics Timer → swift-prometheus, held"
    static let vitalsBackend = "held Timer records a given duration → Vitals"
    static let prometheusBackend = "held Timer records a given duration → swift-prometheus"
    static let vitalsPerCall = "Timer(label:dimensions:) per call → Vitals"
    static let prometheusPerCall = "Timer(label:dimensions:) per call → swift-prometheus"

    static func run(_ harness: Harness, into report: inout Report) {
        let counter = Counter()
        let vitals = VitalsMetricsFactory()
        let prometheus = PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())
        let dimensions = [("tool", "ssh_exec"), ("agent_id", "AGENT_54")]
        let vitalsTimer = CoreMetrics.Timer(label: "tool_call", dimensions: dimensions, factory: vitals)
        let prometheusTimer = CoreMetrics.Timer(label: "tool_call", dimensions: dimensions, factory: prometheus)

        let cases: [Harness.Case] = [
            Harness.Case(name: floor) { iterations in
                for _ in 0..<iterations {
                    let start = vitals_monotonic_ns()
                    let end = vitals_monotonic_ns()
                    counter.value.wrappingAdd(end &- start, ordering: .relaxed)
                }
            },
            Harness.Case(name: vitalsHeld) { iterations in
                for _ in 0..<iterations {
                    let start = vitals_monotonic_ns()
                    let end = vitals_monotonic_ns()
                    vitalsTimer.recordNanoseconds(Int64(end &- start))
                }
            },
            Harness.Case(name: prometheusHeld) { iterations in
                for _ in 0..<iterations {
                    let start = vitals_monotonic_ns()
                    let end = vitals_monotonic_ns()
                    prometheusTimer.recordNanoseconds(Int64(end &- start))
                }
            },
            // The backend alone: the duration is given (varied, so nothing folds), with no clock reads around it.
            Harness.Case(name: vitalsBackend) { iterations in
                for index in 0..<iterations {
                    vitalsTimer.recordNanoseconds(Int64(index & 1_023) &* 1_000)
                }
            },
            Harness.Case(name: prometheusBackend) { iterations in
                for index in 0..<iterations {
                    prometheusTimer.recordNanoseconds(Int64(index & 1_023) &* 1_000)
                }
            },
            Harness.Case(name: vitalsPerCall) { iterations in
                for _ in 0..<iterations {
                    let start = vitals_monotonic_ns()
                    let end = vitals_monotonic_ns()
                    CoreMetrics.Timer(
                        label: "tool_call",
                        dimensions: [("tool", "ssh_exec"), ("agent_id", "AGENT_54")],
                        factory: vitals
                    ).recordNanoseconds(Int64(end &- start))
                }
            },
            Harness.Case(name: prometheusPerCall) { iterations in
                for _ in 0..<iterations {
                    let start = vitals_monotonic_ns()
                    let end = vitals_monotonic_ns()
                    CoreMetrics.Timer(
                        label: "tool_call",
                        dimensions: [("tool", "ssh_exec"), ("agent_id", "AGENT_54")],
                        factory: prometheus
                    ).recordNanoseconds(Int64(end &- start))
                }
            },
        ]
        let results = harness.measure(cases)
        for (benchmark, measurement) in zip(cases, results) {
            let reference: String?
            switch benchmark.name {
            case floor: reference = nil
            case prometheusHeld: reference = vitalsHeld
            case vitalsBackend: reference = nil
            case prometheusBackend: reference = vitalsBackend
            case prometheusPerCall: reference = vitalsPerCall
            default: reference = floor
            }
            // What the backend adds to the two clock reads, the part a faster backend can win on.
            let aboveFloor = measurement.median - results[0].median
            let noClock =
                benchmark.name == floor || benchmark.name == vitalsBackend || benchmark.name == prometheusBackend
            let note = noClock ? "" : String(format: "%.1f ns above the floor", aboveFloor)
            report.add(benchmark.name, nanoseconds: measurement.median, ratioTo: reference, note: note)
        }
        blackHole(counter.value.load(ordering: .relaxed))
        let measured = Dictionary(uniqueKeysWithValues: zip(cases.map(\.name), results))
        // Every measurement above landed in one series; a cache that made a series per call would show here.
        let series = vitals.tracker.snapshot().filter { $0.name == "tool_call" }
        precondition(series.count == 1, "the per-call timers made \(series.count) series")

        // Held, end to end, the two clock reads the caller makes dominate both sides (printed above, not checked):
        // the backends are compared on what they add, a given duration recorded through a held Timer.
        report.check(
            "swift-prometheus / Vitals, held Timer (the backend's cost)",
            measured: measured[prometheusBackend]!.ratio(to: measured[vitalsBackend]!),
            atLeast: 2
        )
        report.check(
            "swift-prometheus / Vitals, Timer per call",
            measured: measured[prometheusPerCall]!.ratio(to: measured[vitalsPerCall]!),
            atLeast: 2
        )
        report.check(
            "Timer per call → Vitals / floor",
            measured: measured[vitalsPerCall]!.ratio(to: measured[floor]!),
            atMost: 3
        )
    }
}
