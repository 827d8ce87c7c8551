public import Logging

/// Collects the events of one worker — its LLM calls, tool calls and timed blocks — for the three tiers of
/// worker visibility.
///
/// Bind a collector to a task tree with `withEventCollector(_:operation:)`; every event recorded inside that
/// tree (by `recordEvent(_:)`, `recordLLMCall(…)`, `recordToolCall(…)`, `measureLLMCall(…)`,
/// `measureToolCall(…)`, `timed(…)`, `withTimeout(…)`) lands in it, and in no other collector, however many
/// workers run concurrently. Child tasks inherit the collector; `Task.detached` does not.
///
/// - Tier 1: ``executionSummary`` is the worker's wall time as `Execution time: 98ms`.
/// - Tier 2: ``flush()`` appends the collected events to `DIRECTORY/metrics.jsonl`. A failed write never fails
///   the work: it is logged, counted in ``writeFailures``, and the events stay in memory for the next flush.
/// - Tier 3: with ``Configuration/structuredLogLevel`` set, each kept event is also logged as a grep-able
///   `llm_call_complete phase=initial duration_ms=111 worker_id=…` line.
///
/// Recording takes a short lock and never throws or touches a file; only `flush()` does I/O.
///
/// ```swift
/// let collector = EventCollector(workerID: "2025-12-15T04-08-08_calculate", directory: workerDirectory)
/// let answer = try await withEventCollector(collector) {
///     try await runWorker()  // records llm_call and tool_call events
/// }
/// collector.finish()
/// collector.flush()
/// return collector.annotatedResult(answer)  // "Execution time: 98ms\n\nThe result is 42."
/// ```
public final class EventCollector: Sendable {
    /// The worker's identifier; stamped on every event as the `worker_id` label.
    public let workerID: String?
    /// The directory ``flush()`` writes `metrics.jsonl` into; `nil` keeps events in memory only.
    public let directory: String?
    /// The collector's settings.
    public let configuration: Configuration
    /// Labels stamped on every recorded event that does not already carry the key.
    public let labels: Labels
    /// Where every kept event is also handed as it is recorded (an exporter to a server); `nil` for none.
    public let sink: (any RecordSink)?

    let logger: Logger
    /// Time since the collector was created, on the injected clock.
    private let elapsed: @Sendable () -> Duration
    private let state: LockedValue<State>
    /// Serialises flushes so that two of them never write the same events; recording never waits on it.
    let flushLock = LockedValue<Void>(())

    struct State: Sendable {
        var events: [Event] = []
        var flushedCount = 0
        var aggregates: [EventAggregate] = []
        var aggregateIndex: [String: Int] = [:]
        var sampler: RawEventSampler
        var sampledOutCount = 0
        var droppedCount = 0
        var writeFailures = 0
        var lastWriteError: String?
        var startOffset: Duration = .zero
        var finishOffset: Duration?
    }

    /// Creates a collector for one worker.
    ///
    /// The execution time starts now (see ``start()`` to restart it).
    ///
    /// - Parameters:
    ///   - workerID: The worker's identifier, added to every event as the `worker_id` label; `nil` for none.
    ///   - directory: Where ``flush()`` writes `metrics.jsonl`; created on first flush. `nil` keeps events in
    ///     memory only.
    ///   - labels: More labels to stamp on every event (`agent_id`, `service`, …). An event's own labels win.
    ///   - configuration: Sampling, retention and tier-3 logging settings.
    ///   - sink: Takes every event kept by sampling as it is recorded, the retention cap aside (an exporter to a
    ///     server); `nil` for none.
    ///   - logger: Where write failures and tier-3 lines are logged.
    ///   - clock: The clock behind the execution time and the sampling windows; tests inject their own.
    public init(
        workerID: String? = nil,
        directory: String? = nil,
        labels: Labels = [:],
        configuration: Configuration = .default,
        sink: (any RecordSink)? = nil,
        logger: Logger = Logger(label: "vitals.collector"),
        clock: some Clock<Duration> = ContinuousClock()
    ) {
        self.sink = sink
        self.workerID = workerID
        self.directory = directory
        var allLabels = labels
        if let workerID, allLabels[WireKey.workerID] == nil {
            allLabels[WireKey.workerID] = workerID
        }
        self.labels = allLabels
        self.configuration = configuration
        self.logger = logger
        let origin = clock.now
        self.elapsed = { origin.duration(to: clock.now) }
        self.state = LockedValue(State(sampler: RawEventSampler(budget: configuration.maximumRawEventsPerSecond)))
    }

    /// Records one event: counts it in ``aggregates`` and, unless sampling or the retention cap says otherwise,
    /// keeps it raw for ``events`` and ``flush()``.
    ///
    /// Never throws and never does I/O (except for the optional tier-3 log line, which goes through the
    /// logger's handler).
    public func record(_ event: Event) {
        var event = event
        for label in labels where event.labels[label.key] == nil {
            event.labels[label.key] = label.value
        }
        // The sampling window only matters with a budget; skip the clock read otherwise.
        let second = configuration.maximumRawEventsPerSecond == nil ? 0 : elapsed().components.seconds
        let retentionLimit = configuration.maximumRetainedEvents
        // The event sampling admitted, and whether the retention cap let it be kept raw.
        let admitted = state.withLock { state -> (event: Event, kept: Bool)? in
            if let index = state.aggregateIndex[event.name] {
                state.aggregates[index].add(event)
            } else {
                state.aggregateIndex[event.name] = state.aggregates.count
                state.aggregates.append(EventAggregate(first: event))
            }
            guard let rate = state.sampler.admit(second: second) else {
                state.sampledOutCount += 1
                return nil
            }
            if rate > 1 {
                event.attributes[EventCollector.sampleRateKey] = .int(Int64(rate))
            }
            guard state.events.count < retentionLimit else {
                state.droppedCount += 1
                return (event, false)
            }
            state.events.append(event)
            return (event, true)
        }
        guard let admitted else { return }
        sink?.receive(.event(admitted.event))
        if admitted.kept, let level = configuration.structuredLogLevel {
            logger.log(level: level, "\(StructuredLogLine.format(admitted.event))")
        }
    }

    /// The attribute that marks a raw event kept by sampling: it stands for this many events.
    public static let sampleRateKey = "sample_rate"

    /// Every raw event kept so far, in recording order (flushed or not).
    public var events: [Event] {
        state.withLock { $0.events }
    }

    /// Count, errors and duration totals per event name, in order of first appearance; never sampled.
    public var aggregates: [EventAggregate] {
        state.withLock { $0.aggregates }
    }

    /// How many recorded events adaptive sampling did not keep raw (they are still in ``aggregates``).
    public var sampledOutCount: Int {
        state.withLock { $0.sampledOutCount }
    }

    /// How many recorded events were not kept raw because ``Configuration/maximumRetainedEvents`` was reached.
    public var droppedCount: Int {
        state.withLock { $0.droppedCount }
    }

    /// How many flushes failed to write `metrics.jsonl`.
    public var writeFailures: Int {
        state.withLock { $0.writeFailures }
    }

    /// Why the last failed flush failed, naming the file; `nil` when no flush has failed.
    public var lastWriteError: String? {
        state.withLock { $0.lastWriteError }
    }

    /// How many kept events have not been written by a successful ``flush()`` yet.
    public var pendingCount: Int {
        state.withLock { $0.events.count - $0.flushedCount }
    }

    func withState<R: Sendable>(_ body: (inout State) -> R) -> R {
        state.withLock { body(&$0) }
    }

    func now() -> Duration {
        elapsed()
    }
}
