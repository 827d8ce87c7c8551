import Foundation
import Prometheus
import Vitals
import VitalsExposition

/// `/metrics` rendering: VitalsExposition against swift-prometheus 2.x on the same 10,000 histogram series, and
/// the cost of `ExpositionRegistry.record` per event.
enum ExpositionBenchmarks {
    static let seriesCount = 10_000
    static let observationsPerSeries = 3

    /// The label set of series `index`, in the order VitalsExposition writes it (event, then the label keys).
    static func labels(_ index: Int) -> [(String, String)] {
        [
            ("event", index.isMultiple(of: 2) ? "llm_call" : "tool_call"),
            ("service", "pipeline-\(index % 8)"),
            ("agent_id", "AGENT_\(index % 100)"),
            ("worker_id", "w-\(index)"),
            ("model", "gpt-5-mini"),
            ("status", "ok"),
        ]
    }

    static func event(_ index: Int, milliseconds: Double, attributes extra: Attributes = [:]) -> Record {
        let pairs = labels(index)
        var attributes: Attributes = ["model": .string(pairs[4].1)]
        for element in extra { attributes[element.key] = element.value }
        return .event(
            Event(
                name: pairs[0].1,
                durationMilliseconds: milliseconds,
                labels: ["service": pairs[1].1, "agent_id": pairs[2].1, "worker_id": pairs[3].1],
                attributes: attributes
            )
        )
    }

    static func run(_ harness: Harness, into report: inout Report) {
        var generator = SplitMix64(seed: 7)
        let durations = (0..<(seriesCount * observationsPerSeries)).map { _ in generator.nextLatency() }
        let buckets = ExpositionRegistry.defaultDurationBuckets

        // Same families on both sides: the duration histogram, the events counter and the errors counter.
        let vitals = ExpositionRegistry(seriesLimit: seriesCount)
        vitals.record(
            (0..<durations.count).map { event($0 % seriesCount, milliseconds: durations[$0]) }
        )

        let prometheus = PrometheusCollectorRegistry()
        let histogram = MetricNameDescriptor(
            metricName: "vitals_event_duration",
            unitName: "seconds",
            helpText: "Duration of finished operations (events), in seconds."
        )
        let events = MetricNameDescriptor(
            metricName: "vitals_events",
            unitName: "total",
            helpText: "Finished operations (events)."
        )
        let errors = MetricNameDescriptor(
            metricName: "vitals_event_errors",
            unitName: "total",
            helpText: "Finished operations whose status is not ok (error, timeout, cancelled)."
        )
        for series in 0..<seriesCount {
            let labels = labels(series)
            let seriesHistogram = prometheus.makeValueHistogram(descriptor: histogram, labels: labels, buckets: buckets)
            let seriesEvents = prometheus.makeCounter(descriptor: events, labels: labels)
            _ = prometheus.makeCounter(descriptor: errors, labels: labels)
            for observation in 0..<observationsPerSeries {
                seriesHistogram.record(durations[observation * seriesCount + series] / 1_000)
                seriesEvents.increment()
            }
        }

        var vitalsBytes = 0
        var prometheusBytes = 0
        var prometheusCapacity = 0
        let renders = Harness(iterations: 2, rounds: min(harness.rounds, 11), warmupRounds: 1)
        let measured = renders.measure([
            Harness.Case(name: "vitals") { iterations in
                for _ in 0..<iterations {
                    let body = vitals.render(.prometheus)
                    vitalsBytes = body.count
                    blackHole(body)
                }
            },
            Harness.Case(name: "swift-prometheus") { iterations in
                for _ in 0..<iterations {
                    // Same start as VitalsExposition, which reserves the previous render's size.
                    var body: [UInt8] = []
                    body.reserveCapacity(prometheusCapacity + 4_096)
                    prometheus.emit(into: &body)
                    prometheusBytes = body.count
                    prometheusCapacity = body.count
                    blackHole(body)
                }
            },
        ])
        let ratio = measured[1].ratio(to: measured[0])
        report.add(
            "exposition render 10k histograms: swift-prometheus",
            nanoseconds: measured[1].median,
            note: "\(prometheusBytes / 1_024) KiB"
        )
        report.add(
            "exposition render 10k histograms: vitals",
            nanoseconds: measured[0].median,
            ratioTo: "exposition render 10k histograms: swift-prometheus",
            note: "\(vitalsBytes / 1_024) KiB, swift-prometheus / vitals = "
                + String(format: "%.2f", ratio) + "x"
        )
        report.check("exposition render: swift-prometheus / vitals", measured: ratio, atLeast: 2)

        // record(): batches of 1,000 events into existing series, with tokens and cost, default label keys.
        let recording = ExpositionRegistry(seriesLimit: seriesCount)
        let batchSize = 1_000
        let batches = (0..<(seriesCount / batchSize)).map { batch in
            (0..<batchSize).map { offset in
                let index = batch * batchSize + offset
                return event(
                    index,
                    milliseconds: durations[index],
                    attributes: ["prompt_tokens": 1_234, "completion_tokens": 89, "cost_usd": 0.0021]
                )
            }
        }
        for batch in batches { recording.record(batch) }
        let record = Harness(iterations: 100_000, rounds: harness.rounds, warmupRounds: harness.warmupRounds).measure {
            iterations in
            var batch = 0
            for _ in 0..<(iterations / batchSize) {
                recording.record(batches[batch])
                batch = batch + 1 == batches.count ? 0 : batch + 1
            }
        }
        report.add("exposition record() per event (batches of 1,000)", nanoseconds: record.median)
    }
}
