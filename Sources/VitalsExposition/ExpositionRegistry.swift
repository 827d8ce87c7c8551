import Synchronization
public import Vitals

/// The Prometheus view of everything a Vitals server has ingested: one histogram and a few counters per event
/// series, the last value of each gauge, and the server's own metrics, rendered for `GET /metrics`.
///
/// A series is an event name (label `event`) or a gauge name (label `metric`) plus the values of the label keys
/// (`SeriesKey.defaultLabelKeys` unless configured). Each name may create up to `seriesLimit` series; events and
/// samples beyond that are counted in one series per name labelled `overflow="true"`, so memory stays bounded
/// and no count is lost. The families are listed in `docs/metrics.md`.
///
/// Recording takes one lock per batch; rendering writes bytes that were prepared when each series was created.
///
/// ```swift
/// let registry = ExpositionRegistry()
/// registry.record([.event(Event(name: "llm_call", durationMilliseconds: 840, attributes: ["model": "gpt-5-mini"]))])
/// let format = ExpositionFormat(accept: acceptHeader)
/// let body: [UInt8] = registry.render(format)  // serve with format.contentType
/// ```
public final class ExpositionRegistry: Sendable {
    /// Duration buckets in seconds for agent work, from a 1 ms cache hit to a 10 min pipeline run.
    public static let defaultDurationBuckets: [Double] = [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 180, 300, 600,
    ]

    private struct State: Sendable {
        var events: EventSeriesStore
        var samples: SampleSeriesStore
    }

    private let state: Mutex<State>
    /// The size of the last render, to reserve the next one's buffer at once.
    private let lastRenderSize = Atomic<Int>(0)

    /// The server's own metrics, rendered with the rest.
    public let server = ServerMetrics()

    /// Creates an empty registry.
    ///
    /// - Parameters:
    ///   - labelKeys: Keys whose values label a series, looked up with `Event.seriesLabel(_:)` for events (labels,
    ///     the outcome, text, integer and boolean attributes) and in `Sample.labels` for gauges. Keys that are not
    ///     valid label names are written with `_` for the invalid characters; `event`, `metric`, `le`, `kind`,
    ///     `overflow` and `quantile` are taken and ignored.
    ///   - seriesLimit: Series per event or gauge name before the rest fold into its `overflow="true"` series.
    ///   - nameLimit: Event names (and, apart, gauge names) with series of their own; events of further names
    ///     count in one series labelled `event="__other__",overflow="true"` (`metric=` for gauges), so that memory
    ///     stays bounded whatever the traffic.
    ///   - durationBuckets: Upper bounds, in seconds, of `vitals_event_duration_seconds`; `+Inf` is implied.
    public init(
        labelKeys: [String] = SeriesKey.defaultLabelKeys,
        seriesLimit: Int = 1_000,
        nameLimit: Int = 1_000,
        durationBuckets: [Double] = ExpositionRegistry.defaultDurationBuckets
    ) {
        let keys = LabelKeys(labelKeys)
        let layout = BucketLayout(durationBuckets)
        state = Mutex(
            State(
                events: EventSeriesStore(keys: keys, layout: layout, seriesLimit: seriesLimit, nameLimit: nameLimit),
                samples: SampleSeriesStore(keys: keys, seriesLimit: seriesLimit, nameLimit: nameLimit)
            )
        )
    }

    /// The `event` (or `metric`) label of the series that counts every name past the name limit.
    public static let otherNames = "__other__"

    /// Adds a batch of events and gauge samples, under one lock.
    ///
    /// - Parameter records: The records of one ingest batch.
    public func record(_ records: [Record]) {
        guard !records.isEmpty else { return }
        state.withLock { state in
            for record in records {
                switch record {
                case .event(let event): state.events.record(event)
                case .sample(let sample): state.samples.record(sample)
                }
            }
        }
    }

    /// The whole exposition: event families, gauges, server and process metrics, each family once.
    ///
    /// - Parameter format: The text format; pick it with ``ExpositionFormat/init(accept:)``.
    /// - Returns: The response body, UTF-8.
    public func render(_ format: ExpositionFormat, extra: [ExtraMetric] = []) -> [UInt8] {
        // Written straight into the result's storage, sized from the last render with room to grow; a render that
        // outgrows it moves to the writer's own buffer and is copied once.
        let last = lastRenderSize.load(ordering: .relaxed)
        var spilled: [UInt8]?
        let bytes = [UInt8](unsafeUninitializedCapacity: last + last / 8 + 65_536) { buffer, initialized in
            var writer = ExpositionWriter(format: format, buffer: buffer)
            state.withLock { state in
                state.events.render(into: &writer)
                state.samples.render(into: &writer)
            }
            server.render(into: &writer)
            for metric in extra { metric.render(into: &writer) }
            ProcessMetrics.render(into: &writer)
            writer.finish()
            lastRenderSize.store(writer.count, ordering: .relaxed)
            if writer.ownsBuffer {
                spilled = writer.takeOwnedBytes()
                initialized = 0
            } else {
                initialized = writer.count
            }
        }
        return spilled ?? bytes
    }
}
