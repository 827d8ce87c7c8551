// Public only so that the inlined `measure` reads the clock without a call into this module.
public import CVitalsShims

/// A resolved operation of a `PerformanceTracker`: the cheapest way to measure the same operation many times.
///
/// Resolve the handle once (`tracker.handle("llm_call")`) and keep it; each `measure` then costs two reads of
/// the monotonic clock and a few uncontended atomic adds on the calling thread's stripe, with no lookup, lock
/// or allocation. Handles are small values: copy them freely and share them between threads and tasks. A handle
/// stays valid across `PerformanceTracker.reset()` and even after the tracker is gone.
///
/// ```swift
/// let llmCall = tracker.handle("llm_call", labels: ["model": "gpt-5-mini"])
/// let reply = try await llmCall.measure { try await client.complete(prompt) }
/// ```
public struct OperationHandle: Sendable {
    @usableFromInline let series: OperationSeries

    init(series: OperationSeries) {
        self.series = series
    }

    /// The operation's name.
    public var name: String { series.name }

    /// The operation's labels.
    public var labels: Labels { series.labels }

    /// Runs `body`, records its duration, and returns its result.
    ///
    /// If `body` throws, the duration is still recorded, counted as a failure, and the error is rethrown
    /// unchanged.
    ///
    /// ```swift
    /// let rows = try query.measure { try database.fetchAll(sql) }
    /// ```
    /// - Parameter body: The work to time.
    /// - Returns: What `body` returned.
    /// - Throws: Whatever `body` threw, unchanged.
    @inlinable
    public func measure<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let start = TrackerClock.now()
        do {
            let result = try body()
            series.core.finish(start: start, failed: false)
            return result
        } catch {
            series.core.finish(start: start, failed: true)
            throw error
        }
    }

    /// Runs the asynchronous `body`, records its duration (suspensions included), and returns its result.
    ///
    /// If `body` throws, the duration is still recorded, counted as a failure, and the error is rethrown
    /// unchanged. `body` runs on the caller's actor.
    ///
    /// ```swift
    /// let reply = try await llmCall.measure { try await client.complete(prompt) }
    /// ```
    /// - Parameters:
    ///   - isolation: The caller's actor; leave the default.
    ///   - body: The work to time.
    /// - Returns: What `body` returned.
    /// - Throws: Whatever `body` threw, unchanged.
    @inlinable
    public func measure<T, E: Error>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws(E) -> T
    ) async throws(E) -> T {
        let start = TrackerClock.now()
        do {
            let result = try await body()
            series.core.finish(start: start, failed: false)
            return result
        } catch {
            series.core.finish(start: start, failed: true)
            throw error
        }
    }

    /// Records a duration measured elsewhere.
    ///
    /// ```swift
    /// toolCall.record(nanoseconds: 1_250_000)  // 1.25 ms
    /// ```
    /// - Parameters:
    ///   - nanoseconds: The duration.
    ///   - failed: Whether the measured work failed.
    @inlinable
    public func record(nanoseconds: UInt64, failed: Bool = false) {
        series.core.record(nanoseconds: nanoseconds, failed: failed)
    }
}

/// The monotonic clock the tracker measures with, reachable from inlined code.
@usableFromInline
enum TrackerClock {
    /// Nanoseconds on the monotonic clock.
    @inlinable
    static func now() -> UInt64 {
        vitals_monotonic_ns()
    }
}

extension SeriesCore {
    /// Reads the clock and records the time since `start`: the second half of every `measure`.
    @inlinable
    func finish(start: UInt64, failed: Bool) {
        let end = vitals_monotonic_ns()
        record(nanoseconds: end &- start, failed: failed)
    }
}
