import CoreMetrics
import Dispatch
import Foundation
import Testing
import Tracing
import Vitals
import VitalsIntegrations

@Suite("swift-metrics backend")
struct MetricsBackendTests {
    /// The one global bootstrap of this test process (swift-metrics allows one); tests of it use labels of their own.
    static let bootstrapped: VitalsMetricsFactory = {
        let factory = VitalsMetricsFactory()
        MetricsSystem.bootstrap(factory)
        return factory
    }()

    @Test("MetricsSystem.bootstrap: a Timer created per call lands as events in the task's collector and one series")
    func bootstrappedTimerPerCall() {
        let factory = Self.bootstrapped
        let collector = EventCollector(workerID: "w-7")
        withEventCollector(collector) {
            for milliseconds in [1111, 5] {
                CoreMetrics.Timer(label: "bootstrap_tool_call", dimensions: [("tool", "ssh_exec"), ("agent_id", "A1")])
                    .recordMilliseconds(milliseconds)
            }
        }
        let events = collector.events
        #expect(events.map(\.name) == ["bootstrap_tool_call", "bootstrap_tool_call"])
        #expect(events.map(\.durationMilliseconds) == [1111, 5])
        #expect(events.first?.attributes["tool"] == .string("ssh_exec"))
        #expect(events.first?.labels["agent_id"] == "A1")
        #expect(events.first?.labels["worker_id"] == "w-7")
        let start = try? #require(events.first?.start)
        let end = try? #require(events.first?.end)
        if let start, let end { #expect(abs(end.milliseconds(since: start) - 1111) < 0.001) }
        let stats = factory.tracker.stats("bootstrap_tool_call", labels: ["tool": "ssh_exec", "agent_id": "A1"])
        #expect(stats?.count == 2)
        #expect(factory.tracker.snapshot().filter { $0.name == "bootstrap_tool_call" }.count == 1)
    }

    @Test("the same label and dimensions give the same handler; other dimensions another")
    func handlersAreCached() {
        let factory = VitalsMetricsFactory()
        let first = factory.makeTimer(label: "llm_call", dimensions: [("model", "gpt-5-mini")])
        let again = factory.makeTimer(label: "llm_call", dimensions: [("model", "gpt-5-mini")])
        let other = factory.makeTimer(label: "llm_call", dimensions: [("model", "glm-4.6")])
        #expect(first === again)
        #expect(first !== other)
        withMetricsFactory(factory) {
            for _ in 0..<100 {
                CoreMetrics.Timer(label: "llm_call", dimensions: [("model", "gpt-5-mini")]).recordNanoseconds(1_000)
            }
        }
        #expect(factory.tracker.stats("llm_call", labels: ["model": "gpt-5-mini"])?.count == 100)
        #expect(factory.tracker.snapshot().count == 1)
    }

    @Test("threads creating the same timers at once share one handler per series and lose no recording")
    func concurrentCreation() async {
        var configuration = VitalsMetricsConfiguration.default
        configuration.seriesLimit = 8
        let factory = VitalsMetricsFactory(configuration: configuration)
        // The racing runs on a thread of its own, so that the cooperative pool is never blocked.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                DispatchQueue.concurrentPerform(iterations: 4) { _ in
                    for call in 0..<2_000 {
                        let model = "m\(call % 12)"
                        CoreMetrics.Timer(label: "llm_call", dimensions: [("model", model)], factory: factory)
                            .recordNanoseconds(1)
                        Counter(label: "calls", dimensions: [("model", model)], factory: factory).increment()
                    }
                }
                done.resume()
            }.start()
        }
        let series = factory.tracker.snapshot().filter { $0.name == "llm_call" }
        #expect(series.count == 9)
        #expect(series.reduce(0) { $0 + $1.count } == 8_000)
        let counters = factory.samples().filter { $0.name == "calls" }
        #expect(counters.count == 9)
        #expect(counters.reduce(0) { $0 + $1.value } == 8_000)
    }

    @Test("counters keep totals and gauges their last value, read as gauge samples with their dimensions")
    func countersAndGauges() {
        let factory = VitalsMetricsFactory()
        withMetricsFactory(factory) {
            let jobs = Counter(label: "jobs_completed", dimensions: [("agent_id", "A1")])
            jobs.increment(by: 3)
            Counter(label: "jobs_completed", dimensions: [("agent_id", "A1")]).increment()
            FloatingPointCounter(label: "cost_usd_total").increment(by: 0.25)
            FloatingPointCounter(label: "cost_usd_total").increment(by: 0.5)
            Gauge(label: "queue_depth", dimensions: [("agent_id", "A1")]).record(7)
            Gauge(label: "queue_depth", dimensions: [("agent_id", "A1")]).record(5)
            Recorder(label: "workload_percent").record(82.5)
            let concurrent = Meter(label: "concurrent_tasks")
            concurrent.set(2)
            concurrent.increment()
            concurrent.decrement(by: 0.5)
        }
        let samples = factory.samples()
        let byName = Dictionary(samples.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(
            samples.map(\.name) == [
                "concurrent_tasks", "cost_usd_total", "jobs_completed", "queue_depth", "workload_percent",
            ]
        )
        #expect(byName["jobs_completed"]?.value == 4)
        #expect(byName["jobs_completed"]?.labels == ["agent_id": "A1"])
        #expect(byName["cost_usd_total"]?.value == 0.75)
        #expect(byName["queue_depth"]?.value == 5)
        #expect(byName["workload_percent"]?.value == 82.5)
        #expect(byName["concurrent_tasks"]?.value == 2.5)
        #expect(samples.allSatisfy { $0.timestamp != nil })
        let line = JSONLEncoder().encode(.sample(byName["queue_depth"]!))
        #expect(line.contains("\"metric\":\"queue_depth\"") && line.contains("\"value\":5"))
    }

    @Test("past the series limit, new dimension sets fold into one overflow series and no recording is lost")
    func seriesLimit() {
        var configuration = VitalsMetricsConfiguration.default
        configuration.seriesLimit = 3
        let factory = VitalsMetricsFactory(configuration: configuration)
        withMetricsFactory(factory) {
            for request in 0..<10 {
                CoreMetrics.Timer(label: "request", dimensions: [("request_id", "r\(request)")]).recordNanoseconds(1)
                Counter(label: "requests", dimensions: [("request_id", "r\(request)")]).increment()
            }
        }
        let series = factory.tracker.snapshot().filter { $0.name == "request" }
        #expect(series.count == 4)
        #expect(series.reduce(0) { $0 + $1.count } == 10)
        #expect(factory.tracker.stats("request", labels: ["overflow": "true"])?.count == 7)
        let counters = factory.samples().filter { $0.name == "requests" }
        #expect(counters.count == 4)
        #expect(counters.first { $0.labels["overflow"] == "true" }?.value == 7)
        #expect(factory.foldedSeriesCount == 14)
    }

    @Test("past the label limit, new labels fold into one __overflow__ series and no recording is lost")
    func labelLimit() {
        var configuration = VitalsMetricsConfiguration.default
        configuration.labelLimit = 3
        let factory = VitalsMetricsFactory(configuration: configuration)
        withMetricsFactory(factory) {
            for request in 0..<10 {
                CoreMetrics.Timer(label: "request-\(request)").recordNanoseconds(1)
                Gauge(label: "depth-\(request)").record(Double(request))
            }
            CoreMetrics.Timer(label: "request-0").recordNanoseconds(1)  // a known label still has its own series
        }
        let series = factory.tracker.snapshot()
        #expect(Set(series.map(\.name)) == ["request-0", "request-1", "request-2", "__overflow__"])
        #expect(factory.tracker.stats("request-0")?.count == 2)
        #expect(factory.tracker.stats("__overflow__", labels: ["overflow": "true"])?.count == 7)
        let gauges = factory.samples()
        #expect(gauges.count == 4)
        #expect(gauges.first { $0.name == "__overflow__" }?.value == 9, "the last value recorded past the limit")
        #expect(factory.foldedSeriesCount == 14)
    }

    @Test("bad input is recorded the documented way or dropped and counted, never trapping")
    func badInput() {
        let factory = VitalsMetricsFactory()
        let huge = String(repeating: "é", count: 10_000)
        let collector = EventCollector()
        withMetricsFactory(factory) {
            withEventCollector(collector) {
                CoreMetrics.Timer(label: "", dimensions: [("", "ignored"), ("tool", huge)]).recordNanoseconds(2_000_000)
                CoreMetrics.Timer(label: "negative").recordNanoseconds(-5)
                Counter(label: "negative_count").increment(by: -3)
                let saturating = Counter(label: "saturating")
                saturating.increment(by: Int64.max)
                saturating.increment(by: 10)
                FloatingPointCounter(label: "fp").increment(by: Double.nan)
                FloatingPointCounter(label: "fp").increment(by: -1.0)
                FloatingPointCounter(label: "fp").increment(by: Double.infinity)
                Gauge(label: "gauge_nan").record(Double.nan)
                Meter(label: "meter").set(Double.greatestFiniteMagnitude)
                Meter(label: "meter").increment(by: Double.greatestFiniteMagnitude)
                let many = (0..<100).map { ("key\($0)", "value") }
                CoreMetrics.Timer(label: "many_dimensions", dimensions: many).recordNanoseconds(1)
            }
        }
        let event = collector.events.first
        #expect(event?.name == "unnamed")
        #expect(event?.attributes.count == 1)
        #expect(event?.attributes["tool"]?.stringValue?.utf8.count == 256)
        #expect(event?.attributes["tool"]?.stringValue == String(repeating: "é", count: 128))
        #expect(collector.events.map(\.name) == ["unnamed", "many_dimensions"])
        #expect(collector.events.last?.attributes.count == 16)
        #expect(factory.tracker.stats("negative") == nil)
        let samples = Dictionary(factory.samples().map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(samples["negative_count"] == 0)
        #expect(samples["saturating"] == Double(Int64.max))
        #expect(samples["fp"] == 0)
        #expect(samples["gauge_nan"] == nil)
        #expect(samples["meter"] == Double.greatestFiniteMagnitude)
        // -5 ns, -3, NaN, -1.0, +inf, NaN gauge, the meter's overflow to +inf.
        #expect(factory.rejectedValueCount == 7)
    }

    @Test("a timer recorded inside a span names the span as its parent")
    func timerInsideSpan() {
        let factory = VitalsMetricsFactory()
        let collector = EventCollector()
        let tracer = VitalsTracer()
        withEventCollector(collector) {
            tracer.withSpan("route_query") { _ in
                CoreMetrics.Timer(label: "kb_lookup", factory: factory).recordMilliseconds(3)
            }
        }
        let timer = collector.events.first { $0.name == "kb_lookup" }
        let span = collector.events.first { $0.name == "route_query" }
        #expect(timer?.traceID != nil)
        #expect(timer?.traceID == span?.traceID)
        #expect(timer?.parentSpanID == span?.spanID)
        #expect(timer?.spanID == nil)
    }

    @Test("without recordsEvents, timers only feed the tracker")
    func withoutEvents() {
        var configuration = VitalsMetricsConfiguration.default
        configuration.recordsEvents = false
        let factory = VitalsMetricsFactory(configuration: configuration)
        let collector = EventCollector()
        withEventCollector(collector) {
            CoreMetrics.Timer(label: "quiet", factory: factory).recordMilliseconds(1)
        }
        #expect(collector.events.isEmpty)
        #expect(factory.tracker.stats("quiet")?.count == 1)
    }
}
