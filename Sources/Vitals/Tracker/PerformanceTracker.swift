import CVitalsShims
import Synchronization

/// Cumulative timing of named operations, cheap enough for hot paths and safe from any thread or task.
///
/// Every operation (a name plus optional labels) keeps an exact count, failure count, total, minimum and
/// maximum, and a histogram from which `snapshot()` builds a `QuantileSketch`. Measuring costs two reads of the
/// monotonic clock plus a few uncontended atomic adds: no locks, no allocation, no actor hops. Threads write to
/// per-thread stripes of each operation, so measuring the same operation from many threads does not make them
/// fight over one cache line.
///
/// ```swift
/// let tracker = PerformanceTracker()
/// let reply = try await tracker.measure("llm_call", labels: ["model": "gpt-5-mini"]) {
///     try await client.complete(prompt)
/// }
/// let route = tracker.measure("route_query") { router.route(reply) }
/// print(tracker.summary())
/// ```
///
/// Looking an operation up by name costs a hash of its UTF-8 bytes and a lock-free table probe; on the
/// hottest paths resolve a `handle(_:labels:)` once and measure through it.
public final class PerformanceTracker: Sendable {
    /// Address of the current `SeriesIndex`, published with release.
    let currentIndex: Atomic<UInt64>
    /// Everything writers change, behind one lock: the series (kept alive for the tracker's lifetime) and
    /// every table ever published (freed when the tracker dies, as lock-free readers may still be in them).
    let registry: LockedValue<Registry>

    struct Registry {
        var series: [OperationSeries] = []
        var indexes: [SeriesIndex] = []
    }

    /// An empty tracker.
    public init() {
        let index = SeriesIndex.allocate(capacity: 16)
        self.currentIndex = Atomic(index.address)
        self.registry = LockedValue(Registry(indexes: [index]))
    }

    deinit {
        registry.withLock { registry in
            for index in registry.indexes { index.deallocate() }
            registry.indexes = []
        }
    }

    /// The handle of an operation, creating the operation when it is new.
    ///
    /// Resolving costs a hash-table lookup; measuring through the handle afterwards costs none.
    ///
    /// ```swift
    /// let toolCall = tracker.handle("tool_call", labels: ["tool": "ssh_exec"])
    /// for command in commands { try toolCall.measure { try ssh.run(command) } }
    /// ```
    /// - Parameters:
    ///   - name: The operation's name.
    ///   - labels: Labels that split the operation into separate series (for example by model).
    /// - Returns: A handle that measures and records into this operation.
    public func handle(_ name: String, labels: Labels = [:]) -> OperationHandle {
        OperationHandle(series: core(name, labels: labels).owner)
    }

    /// Runs `body`, records its duration under `name`, and returns its result.
    ///
    /// If `body` throws, the duration is still recorded, counted as a failure, and the error is rethrown
    /// unchanged. The lookup happens after the second clock read, so it is not part of the measured time.
    ///
    /// ```swift
    /// let plan = tracker.measure("route_query") { router.route(query) }
    /// ```
    /// - Parameters:
    ///   - name: The operation's name.
    ///   - body: The work to time.
    /// - Returns: What `body` returned.
    /// - Throws: Whatever `body` threw, unchanged.
    @inlinable
    public func measure<T, E: Error>(_ name: String, _ body: () throws(E) -> T) throws(E) -> T {
        let start = TrackerClock.now()
        do {
            let result = try body()
            finish(name, start: start, failed: false)
            return result
        } catch {
            finish(name, start: start, failed: true)
            throw error
        }
    }

    /// Runs `body`, records its duration under `name` and `labels`, and returns its result.
    ///
    /// If `body` throws, the duration is still recorded, counted as a failure, and the error is rethrown
    /// unchanged. Building a `Labels` value costs more than the lookup; on hot paths prefer a `handle`.
    ///
    /// ```swift
    /// let rows = try tracker.measure("db_query", labels: ["table": "events"]) { try db.fetch(sql) }
    /// ```
    /// - Parameters:
    ///   - name: The operation's name.
    ///   - labels: Labels that split the operation into separate series.
    ///   - body: The work to time.
    /// - Returns: What `body` returned.
    /// - Throws: Whatever `body` threw, unchanged.
    @inlinable
    public func measure<T, E: Error>(
        _ name: String,
        labels: Labels,
        _ body: () throws(E) -> T
    ) throws(E) -> T {
        let start = TrackerClock.now()
        do {
            let result = try body()
            finish(name, labels: labels, start: start, failed: false)
            return result
        } catch {
            finish(name, labels: labels, start: start, failed: true)
            throw error
        }
    }

    /// Runs the asynchronous `body`, records its duration (suspensions included) under `name`, and returns its
    /// result.
    ///
    /// If `body` throws, the duration is still recorded, counted as a failure, and the error is rethrown
    /// unchanged. `body` runs on the caller's actor.
    ///
    /// ```swift
    /// let reply = try await tracker.measure("llm_call") { try await client.complete(prompt) }
    /// ```
    /// - Parameters:
    ///   - name: The operation's name.
    ///   - isolation: The caller's actor; leave the default.
    ///   - body: The work to time.
    /// - Returns: What `body` returned.
    /// - Throws: Whatever `body` threw, unchanged.
    @inlinable
    public func measure<T, E: Error>(
        _ name: String,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws(E) -> T
    ) async throws(E) -> T {
        let start = TrackerClock.now()
        do {
            let result = try await body()
            finish(name, start: start, failed: false)
            return result
        } catch {
            finish(name, start: start, failed: true)
            throw error
        }
    }

    /// Runs the asynchronous `body`, records its duration (suspensions included) under `name` and `labels`,
    /// and returns its result.
    ///
    /// If `body` throws, the duration is still recorded, counted as a failure, and the error is rethrown
    /// unchanged. `body` runs on the caller's actor.
    ///
    /// ```swift
    /// let reply = try await tracker.measure("llm_call", labels: ["model": model]) {
    ///     try await client.complete(prompt)
    /// }
    /// ```
    /// - Parameters:
    ///   - name: The operation's name.
    ///   - labels: Labels that split the operation into separate series.
    ///   - isolation: The caller's actor; leave the default.
    ///   - body: The work to time.
    /// - Returns: What `body` returned.
    /// - Throws: Whatever `body` threw, unchanged.
    @inlinable
    public func measure<T, E: Error>(
        _ name: String,
        labels: Labels,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws(E) -> T
    ) async throws(E) -> T {
        let start = TrackerClock.now()
        do {
            let result = try await body()
            finish(name, labels: labels, start: start, failed: false)
            return result
        } catch {
            finish(name, labels: labels, start: start, failed: true)
            throw error
        }
    }

    /// Records a duration measured elsewhere under `name`.
    ///
    /// ```swift
    /// tracker.record("llm_call", nanoseconds: 98_000_000)
    /// ```
    /// - Parameters:
    ///   - name: The operation's name.
    ///   - nanoseconds: The duration.
    ///   - failed: Whether the measured work failed.
    public func record(_ name: String, nanoseconds: UInt64, failed: Bool = false) {
        core(name).record(nanoseconds: nanoseconds, failed: failed)
    }

    /// Records a duration measured elsewhere under `name` and `labels`.
    ///
    /// ```swift
    /// tracker.record("llm_call", labels: ["model": "glm-4.6"], nanoseconds: 98_000_000, failed: true)
    /// ```
    /// - Parameters:
    ///   - name: The operation's name.
    ///   - labels: Labels that split the operation into separate series.
    ///   - nanoseconds: The duration.
    ///   - failed: Whether the measured work failed.
    public func record(_ name: String, labels: Labels, nanoseconds: UInt64, failed: Bool = false) {
        core(name, labels: labels).record(nanoseconds: nanoseconds, failed: failed)
    }

    /// Reads the clock, then records the time since `start`: the second half of `measure` by name.
    @usableFromInline
    func finish(_ name: String, start: UInt64, failed: Bool) {
        let end = vitals_monotonic_ns()
        core(name).record(nanoseconds: end &- start, failed: failed)
    }

    /// Reads the clock, then records the time since `start`: the second half of `measure` by name and labels.
    @usableFromInline
    func finish(_ name: String, labels: Labels, start: UInt64, failed: Bool) {
        let end = vitals_monotonic_ns()
        core(name, labels: labels).record(nanoseconds: end &- start, failed: failed)
    }

    /// The statistics of every operation measured since creation or the last reset, sorted by name and then
    /// labels.
    ///
    /// ```swift
    /// for stats in tracker.snapshot() where stats.errors > 0 {
    ///     print("\(stats.name): \(stats.errors) of \(stats.count) failed")
    /// }
    /// ```
    public func snapshot() -> [OperationStats] {
        let series = registry.withLock { $0.series }
        return series.compactMap { $0.stats() }.sorted(by: Self.ordered)
    }

    /// The statistics of one operation, or nil when it has not been measured since creation or the last reset.
    ///
    /// ```swift
    /// if let llm = tracker.stats("llm_call", labels: ["model": "gpt-5-mini"]) { print(llm.p95) }
    /// ```
    public func stats(_ name: String, labels: Labels = [:]) -> OperationStats? {
        existingCore(name, labels: labels)?.owner.stats()
    }

    /// The time spent in all operations together, in milliseconds.
    public var totalMilliseconds: Double {
        let series = registry.withLock { $0.series }
        var nanoseconds: UInt64 = 0
        for one in series { nanoseconds &+= one.totalNanoseconds }
        return Double(nanoseconds) * 1e-6
    }

    /// Forgets every measurement. Operations and handles stay valid and start again from zero.
    ///
    /// Measurements recorded while the reset runs may survive it in part (say, counted but not summed).
    public func reset() {
        let series = registry.withLock { $0.series }
        for one in series { one.core.reset() }
    }

    /// What one measurement costs on this machine right now, in nanoseconds: the tracker's own overhead.
    ///
    /// Times `iterations` measurements of an empty body through a private handle (two clock reads and the
    /// recording), so the result is what `measure` adds around any work. It does not touch the tracker's
    /// operations.
    ///
    /// ```swift
    /// logger.info("tracker overhead: \(tracker.recordingOverhead()) ns per measurement")
    /// ```
    /// - Parameter iterations: Measurements to time; more gives a steadier figure.
    /// - Returns: Nanoseconds per measurement.
    public func recordingOverhead(iterations: Int = 100_000) -> Double {
        let iterations = max(1, iterations)
        let handle = OperationHandle(series: OperationSeries(name: "", labels: [:], hash: 0))
        for _ in 0..<min(iterations, 1_000) {
            handle.measure {}
        }
        let start = vitals_monotonic_ns()
        for _ in 0..<iterations {
            handle.measure {}
        }
        return Double(vitals_monotonic_ns() &- start) / Double(iterations)
    }

    static func ordered(_ left: OperationStats, _ right: OperationStats) -> Bool {
        if left.name != right.name { return left.name < right.name }
        return left.labels.lexicographicallyPrecedes(right.labels) { a, b in
            a.key != b.key ? a.key < b.key : a.value < b.value
        }
    }
}
