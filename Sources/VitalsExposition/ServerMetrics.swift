import Synchronization

/// The server's own metrics: ingest counts, store-commit latency, queue depth and HTTP requests.
///
/// The server gets it from its ``ExpositionRegistry`` and reports to it; the registry renders these metrics in the
/// same `/metrics` output as the events. Every method takes one short lock and never allocates once a route has
/// been seen, so it can be called on every request.
///
/// ```swift
/// let metrics = registry.server
/// metrics.recordIngest(accepted: 120, rejected: 2, storeSeconds: 0.0042)
/// metrics.setQueueDepth(3)
/// metrics.recordRequest(route: "/v1/events", status: 200, seconds: 0.006)
/// ```
public final class ServerMetrics: Sendable {
    /// How many `(route, status)` and route series requests may create before the rest fold into one
    /// `overflow="true"` series; routes should be patterns (`/v1/alerts/{id}/ack`), but a bug or a scan of
    /// unknown paths must not grow memory.
    static let requestSeriesLimit = 200

    /// Buckets for store commits and request handling: 100 µs to 10 s.
    static let layout = BucketLayout([
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ])

    private struct RequestKey: Hashable {
        var route: String
        var status: Int
    }

    private struct State {
        var ingestedEvents: UInt64 = 0
        var rejectedLines: UInt64 = 0
        var batches: UInt64 = 0
        var store = HistogramCounts(layout: ServerMetrics.layout)
        var queueDepth = 0

        var requestIndex: [RequestKey: Int] = [:]
        var requestLabels: [[UInt8]] = []
        var requestCounts: [UInt64] = []
        var requestOverflow: Int?

        var routeIndex: [String: Int] = [:]
        var routeLabels: [[UInt8]] = []
        var routeDurations: [HistogramCounts] = []
        var routeOverflow: Int?
    }

    private let state = Mutex(State())

    init() {}

    /// Counts one ingest batch (`POST /v1/events`) and its store commit.
    ///
    /// - Parameters:
    ///   - accepted: Lines stored from the batch.
    ///   - rejected: Lines rejected (bad JSON, missing fields…).
    ///   - storeSeconds: How long the store commit took, in seconds.
    public func recordIngest(accepted: Int, rejected: Int, storeSeconds: Double) {
        state.withLock { state in
            state.ingestedEvents &+= UInt64(max(0, accepted))
            state.rejectedLines &+= UInt64(max(0, rejected))
            state.batches &+= 1
            state.store.observe(storeSeconds, layout: Self.layout)
        }
    }

    /// Sets the number of batches waiting to be stored.
    public func setQueueDepth(_ depth: Int) {
        state.withLock { $0.queueDepth = depth }
    }

    /// Counts one HTTP request.
    ///
    /// - Parameters:
    ///   - route: The route pattern that matched (`/v1/events`), not the raw path, to keep series few.
    ///   - status: The response status code.
    ///   - seconds: How long the request took, in seconds.
    public func recordRequest(route: String, status: Int, seconds: Double) {
        state.withLock { state in
            let key = RequestKey(route: route, status: status)
            let request: Int
            if let existing = state.requestIndex[key] {
                request = existing
            } else if state.requestLabels.count < Self.requestSeriesLimit {
                request = state.requestLabels.count
                state.requestIndex[key] = request
                state.requestLabels.append(
                    ExpositionWriter.labelBlock([("route", route), ("status", String(status))])
                )
                state.requestCounts.append(0)
            } else if let overflow = state.requestOverflow {
                request = overflow
            } else {
                request = state.requestLabels.count
                state.requestOverflow = request
                state.requestLabels.append(ExpositionWriter.labelBlock([("overflow", "true")]))
                state.requestCounts.append(0)
            }
            state.requestCounts[request] &+= 1

            let routeSeries: Int
            if let existing = state.routeIndex[route] {
                routeSeries = existing
            } else if state.routeLabels.count < Self.requestSeriesLimit {
                routeSeries = state.routeLabels.count
                state.routeIndex[route] = routeSeries
                state.routeLabels.append(ExpositionWriter.labelBlock([("route", route)]))
                state.routeDurations.append(HistogramCounts(layout: Self.layout))
            } else if let overflow = state.routeOverflow {
                routeSeries = overflow
            } else {
                routeSeries = state.routeLabels.count
                state.routeOverflow = routeSeries
                state.routeLabels.append(ExpositionWriter.labelBlock([("overflow", "true")]))
                state.routeDurations.append(HistogramCounts(layout: Self.layout))
            }
            state.routeDurations[routeSeries].observe(seconds, layout: Self.layout)
        }
    }
}

extension ServerMetrics {
    static let ingestedEvents = MetricFamily(
        "vitals_server_ingested_events_total",
        .counter,
        help: "Events and samples accepted by POST /v1/events."
    )
    static let rejectedLines = MetricFamily(
        "vitals_server_rejected_lines_total",
        .counter,
        help: "Lines rejected by POST /v1/events."
    )
    static let batches = MetricFamily(
        "vitals_server_ingest_batches_total",
        .counter,
        help: "Batches received by POST /v1/events."
    )
    static let storeSeconds = MetricFamily(
        "vitals_server_store_seconds",
        .histogram,
        help: "Time to commit one ingest batch to the store, in seconds."
    )
    static let queueDepth = MetricFamily(
        "vitals_server_ingest_queue_depth",
        .gauge,
        help: "Ingest batches waiting to be stored."
    )
    static let requests = MetricFamily(
        "vitals_server_requests_total",
        .counter,
        help: "HTTP requests handled, by route and status."
    )
    static let requestDuration = MetricFamily(
        "vitals_server_request_duration_seconds",
        .histogram,
        help: "Time to handle an HTTP request, by route, in seconds."
    )

    /// Writes the server families; the request families only once a request has been counted.
    func render(into writer: inout ExpositionWriter) {
        state.withLock { state in
            writer.header(Self.ingestedEvents)
            writer.line(Self.ingestedEvents.sample, labels: [], count: state.ingestedEvents)
            writer.header(Self.rejectedLines)
            writer.line(Self.rejectedLines.sample, labels: [], count: state.rejectedLines)
            writer.header(Self.batches)
            writer.line(Self.batches.sample, labels: [], count: state.batches)
            writer.header(Self.storeSeconds)
            state.store.render(Self.storeSeconds, labels: [], layout: Self.layout, into: &writer)
            writer.header(Self.queueDepth)
            writer.line(Self.queueDepth.sample, labels: [], value: Double(state.queueDepth))
            if !state.requestLabels.isEmpty {
                writer.header(Self.requests)
                for request in state.requestLabels.indices {
                    writer.line(
                        Self.requests.sample,
                        labels: state.requestLabels[request],
                        count: state.requestCounts[request]
                    )
                }
                writer.header(Self.requestDuration)
                for route in state.routeLabels.indices {
                    state.routeDurations[route].render(
                        Self.requestDuration,
                        labels: state.routeLabels[route],
                        layout: Self.layout,
                        into: &writer
                    )
                }
            }
        }
    }
}
