import CVitalsShims
import Prometheus
import Synchronization
import Vitals

/// The cost of one measurement: the floor (what any timer must pay), the tracker's ways of measuring, and
/// swift-prometheus doing the same job.
enum TrackerBenchmarks {
    /// Where the floor's atomic add lands; a class so the add is on memory the optimiser cannot see through.
    final class Counter: Sendable {
        let value = Atomic<UInt64>(0)
    }

    static let floor = "floor: 2 clock reads + 1 atomic add"
    static let byHandle = "measure {} via handle"
    static let byName = "measure(\"name\") {}"
    static let literalLabels = "measure(\"name\", labels: 2 literal) {}"
    static let prebuiltLabels = "measure(\"name\", labels: 2 prebuilt) {}"
    static let prometheus = "swift-prometheus DurationHistogram"
    static let oneThread = "1 thread, handle (per thread)"
    static let twoThreads = "2 threads, same handle (per thread)"

    static func run(_ harness: Harness, into report: inout Report) {
        let counter = Counter()
        let tracker = PerformanceTracker()
        let handle = tracker.handle("llm_call")
        let labels: Labels = ["model": "gpt-5-mini", "phase": "initial"]
        let histogram = PrometheusCollectorRegistry().makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                metricName: "llm_call_duration",
                unitName: "seconds",
                helpText: "LLM call duration"
            ),
            // swift-prometheus's own default Timer buckets (PrometheusMetricsFactory.defaultDurationHistogramBuckets).
            buckets: [
                .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
                .seconds(10),
            ]
        )

        let cases: [Harness.Case] = [
            Harness.Case(name: floor) { iterations in
                for _ in 0..<iterations {
                    let start = vitals_monotonic_ns()
                    let end = vitals_monotonic_ns()
                    counter.value.wrappingAdd(end &- start, ordering: .relaxed)
                }
            },
            Harness.Case(name: byHandle) { iterations in
                for _ in 0..<iterations { handle.measure {} }
            },
            Harness.Case(name: byName) { iterations in
                for _ in 0..<iterations { tracker.measure("llm_call") {} }
            },
            Harness.Case(name: literalLabels) { iterations in
                for _ in 0..<iterations {
                    tracker.measure("llm_call", labels: ["model": "gpt-5-mini", "phase": "initial"]) {}
                }
            },
            Harness.Case(name: prebuiltLabels) { iterations in
                for _ in 0..<iterations { tracker.measure("llm_call", labels: labels) {} }
            },
            Harness.Case(name: prometheus) { iterations in
                for _ in 0..<iterations {
                    let start = vitals_monotonic_ns()
                    let end = vitals_monotonic_ns()
                    histogram.recordNanoseconds(Int64(end &- start))
                }
            },
        ]
        let results = harness.measure(cases)
        for (benchmark, measurement) in zip(cases, results) {
            report.add(benchmark.name, nanoseconds: measurement.median, ratioTo: benchmark.name == floor ? nil : floor)
        }
        let measured = Dictionary(uniqueKeysWithValues: zip(cases.map(\.name), results))
        let floorCost = measured[floor]!
        let handleCost = measured[byHandle]!
        let byNameCost = measured[byName]!
        let prometheusCost = measured[prometheus]!
        blackHole(counter.value.load(ordering: .relaxed))

        let shared = tracker.handle("tool_call")
        let one = harness.perThreadNanoseconds(threads: 1) { iterations in
            for _ in 0..<iterations { shared.measure {} }
        }
        report.add(oneThread, nanoseconds: one.nanoseconds)
        let two = harness.perThreadNanoseconds(threads: 2) { iterations in
            for _ in 0..<iterations { shared.measure {} }
        }
        report.add(
            twoThreads,
            nanoseconds: two.nanoseconds,
            ratioTo: oneThread,
            note: "threads overlapped \(Int((two.overlap * 100).rounded()))% of the median round"
        )

        report.check("handle round trip / floor", measured: handleCost.ratio(to: floorCost), atMost: 1.2)
        report.check("by name / floor", measured: byNameCost.ratio(to: floorCost), atMost: 2)
        report.check(
            "swift-prometheus / handle round trip",
            measured: prometheusCost.ratio(to: handleCost),
            atLeast: 2
        )
        report.check("2 threads / 1 thread, per call", measured: two.nanoseconds / one.nanoseconds, atMost: 1.5)
    }
}
