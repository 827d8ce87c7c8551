public import CoreMetrics
import Synchronization
public import Vitals

/// A swift-metrics backend that records into Vitals.
///
/// - `Timer` recordings go to a ``Vitals/PerformanceTracker`` series (label plus dimensions) and, when the
///   recording task has an ``Vitals/EventCollector`` bound, become events with that duration, exactly as
///   `measure` would record them (the dimensions `service`, `agent_id`, `agent_name`, `agent_domain`, `worker_id`
///   are identity labels, the others attributes; the current span's `trace_id`/`span_id` are attached).
/// - `Counter` and `FloatingPointCounter` keep running totals; `Recorder`, `Gauge` and `Meter` keep their last
///   value. ``samples(at:)`` reads them all as gauge samples, ready for the JSONL wire format.
///
/// Handles are cached by label and dimensions: creating `Timer(label:dimensions:)` for every call, the common
/// pattern, finds the handler made the first time without allocating. Each label keeps at most
/// ``VitalsMetricsConfiguration/seriesLimit`` dimension sets; further sets share one series labelled
/// `overflow=true`, so memory is bounded by configuration and no recording is lost.
///
/// Bad input never traps: an empty label is recorded as `unnamed`; empty dimension keys are skipped; long text is
/// cut (``VitalsMetricsConfiguration/maximumTextLength``); negative durations and counter increments, and NaN or
/// infinite values, are dropped and counted in ``rejectedValueCount``. `destroy()` is ignored: a series lives as
/// long as the factory, and the series limit bounds how many there are.
///
/// ```swift
/// let tracker = PerformanceTracker()
/// MetricsSystem.bootstrap(VitalsMetricsFactory(tracker: tracker))
///
/// Timer(label: "tool_call", dimensions: [("tool", "ssh_exec")]).recordMilliseconds(1111)
/// print(tracker.summary())
/// ```
public final class VitalsMetricsFactory: MetricsFactory, Sendable {
    /// Where timer recordings are aggregated.
    public let tracker: PerformanceTracker
    /// The factory's settings.
    public let configuration: VitalsMetricsConfiguration

    let timers: HandleCache<VitalsTimerHandler>
    let counters: HandleCache<VitalsCounterHandler>
    let floatingCounters: HandleCache<VitalsFloatingPointCounterHandler>
    let gauges: HandleCache<VitalsGaugeHandler>
    let rejections = RejectionCount()

    /// Creates a backend.
    ///
    /// - Parameters:
    ///   - tracker: Where timer recordings are aggregated; a new tracker by default.
    ///   - configuration: Series limit, text limits and whether timers also record events.
    public init(
        tracker: PerformanceTracker = PerformanceTracker(),
        configuration: VitalsMetricsConfiguration = .default
    ) {
        self.tracker = tracker
        self.configuration = configuration
        timers = HandleCache(seriesLimit: configuration.seriesLimit, labelLimit: configuration.labelLimit)
        counters = HandleCache(seriesLimit: configuration.seriesLimit, labelLimit: configuration.labelLimit)
        floatingCounters = HandleCache(seriesLimit: configuration.seriesLimit, labelLimit: configuration.labelLimit)
        gauges = HandleCache(seriesLimit: configuration.seriesLimit, labelLimit: configuration.labelLimit)
    }

    /// How many values were dropped as invalid: negative durations or counter increments, NaN or infinite values.
    public var rejectedValueCount: Int { rejections.value }

    /// How many metric creations were folded into an `overflow=true` series because their label had reached the
    /// series limit.
    public var foldedSeriesCount: Int {
        timers.foldedCount.load(ordering: .relaxed) + counters.foldedCount.load(ordering: .relaxed)
            + floatingCounters.foldedCount.load(ordering: .relaxed) + gauges.foldedCount.load(ordering: .relaxed)
    }

    /// The current value of every counter (its running total) and gauge (its last value) as gauge samples, sorted
    /// by name.
    ///
    /// Counters are stamped with `timestamp`; gauges with the time of their last value. A gauge that never got a
    /// value is left out.
    ///
    /// ```swift
    /// let lines = factory.samples().map { JSONLEncoder().encode(.sample($0)) }
    /// ```
    /// - Parameter timestamp: The time to stamp counters with; now by default.
    /// - Returns: One sample per series.
    public func samples(at timestamp: Timestamp = .now()) -> [Sample] {
        var samples: [Sample] = []
        for counter in counters.all {
            samples.append(
                Sample(
                    name: counter.series.name,
                    value: counter.total,
                    timestamp: timestamp,
                    labels: counter.series.labels
                )
            )
        }
        for counter in floatingCounters.all {
            samples.append(
                Sample(
                    name: counter.series.name,
                    value: counter.total,
                    timestamp: timestamp,
                    labels: counter.series.labels
                )
            )
        }
        for gauge in gauges.all {
            guard let (value, time) = gauge.last else { continue }
            samples.append(Sample(name: gauge.series.name, value: value, timestamp: time, labels: gauge.series.labels))
        }
        return samples.sorted { left, right in
            if left.name != right.name { return left.name < right.name }
            return left.labels.lexicographicallyPrecedes(right.labels) { one, other in
                one.key != other.key ? one.key < other.key : one.value < other.value
            }
        }
    }

    /// The name and labels a metric is recorded under; the overflow series of its label when `folded`.
    func series(label: String, dimensions: [(String, String)], folded: Bool) -> MetricSeries {
        let name = BoundedText.name(label, limit: configuration.maximumTextLength)
        let pairs = folded ? [(MetricSeries.overflowKey, "true")] : dimensions
        let (labels, identity, attributes) = IntegrationText.labelsAndAttributes(
            pairs,
            maximumPairs: configuration.maximumDimensions,
            limit: configuration.maximumTextLength
        )
        return MetricSeries(name: name, labels: labels, identity: identity, attributes: attributes)
    }

    // MARK: MetricsFactory

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        timers.handler(label: label, dimensions: dimensions) { label, folded in
            VitalsTimerHandler(
                tracker: tracker,
                series: series(label: label, dimensions: dimensions, folded: folded),
                recordsEvents: configuration.recordsEvents,
                rejections: rejections
            )
        }
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        counters.handler(label: label, dimensions: dimensions) { label, folded in
            VitalsCounterHandler(
                rejections: rejections,
                series: series(label: label, dimensions: dimensions, folded: folded)
            )
        }
    }

    public func makeFloatingPointCounter(
        label: String,
        dimensions: [(String, String)]
    ) -> any FloatingPointCounterHandler {
        floatingCounters.handler(label: label, dimensions: dimensions) { label, folded in
            VitalsFloatingPointCounterHandler(
                rejections: rejections,
                series: series(label: label, dimensions: dimensions, folded: folded)
            )
        }
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        makeGauge(label: label, dimensions: dimensions)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        makeGauge(label: label, dimensions: dimensions)
    }

    private func makeGauge(label: String, dimensions: [(String, String)]) -> VitalsGaugeHandler {
        gauges.handler(label: label, dimensions: dimensions) { label, folded in
            VitalsGaugeHandler(
                rejections: rejections,
                series: series(label: label, dimensions: dimensions, folded: folded)
            )
        }
    }

    // A series lives as long as the factory (the series limit bounds them), so destroying is a no-op: a later
    // metric with the same label and dimensions continues the same series.
    public func destroyTimer(_ handler: any TimerHandler) {}
    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyMeter(_ handler: any MeterHandler) {}
}

/// Values dropped as invalid, shared by a factory and its handlers (which must not keep the factory alive).
final class RejectionCount: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .relaxed) }

    func add() {
        count.wrappingAdd(1, ordering: .relaxed)
    }
}

/// The name and labels of one metric series, worked out once when its handler is made.
struct MetricSeries: Sendable {
    /// The label that marks the series collecting dimension sets past the series limit.
    static let overflowKey = "overflow"

    let name: String
    /// Every kept dimension, for the tracker series and gauge samples.
    let labels: Labels
    /// The identity dimensions, for events.
    let identity: Labels
    /// The other dimensions, for events.
    let attributes: Attributes
}
