extension EventCollector {
    /// The collector bound to the current task tree; internal so that binding goes through
    /// `withEventCollector`, which cannot leak a binding past its scope.
    @TaskLocal static var taskLocalCollector: EventCollector?

    /// The collector bound to the current task by the nearest enclosing `withEventCollector(_:operation:)`,
    /// or `nil` outside any.
    ///
    /// Task-local values propagate through structured concurrency (`async let`, task groups) and into
    /// `Task {}`, but not into `Task.detached`.
    public static var current: EventCollector? {
        taskLocalCollector
    }
}

/// Runs `operation` with `collector` bound to the current task tree, so that every event recorded inside it
/// (including in child tasks) goes to `collector`.
///
/// Binding replaces any outer collector for the duration of `operation`; events are not copied to the outer
/// one. Errors thrown by `operation` pass through unchanged.
///
/// ```swift
/// let collector = EventCollector(workerID: "w-7")
/// let value = withEventCollector(collector) {
///     recordToolCall(tool: "ssh_exec", start: start, end: .now(), success: true)
///     return 42
/// }
/// ```
///
/// - Parameters:
///   - collector: The collector to bind.
///   - operation: The work whose events to collect.
/// - Returns: What `operation` returns.
/// - Throws: What `operation` throws.
@discardableResult
public func withEventCollector<Result, Failure: Error>(
    _ collector: EventCollector,
    operation: () throws(Failure) -> Result
) throws(Failure) -> Result {
    do {
        return try EventCollector.$taskLocalCollector.withValue(collector, operation: operation)
    } catch {
        // `withValue` rethrows only what `operation` threw, which is a `Failure`.
        throw error as! Failure
    }
}

/// Runs the async `operation` with `collector` bound to the current task tree, so that every event recorded
/// inside it (including in child tasks) goes to `collector`.
///
/// Binding replaces any outer collector for the duration of `operation`; events are not copied to the outer
/// one. Errors thrown by `operation` pass through unchanged.
///
/// ```swift
/// let collector = EventCollector(workerID: "w-7", directory: "/data/workers/w-7")
/// let answer = try await withEventCollector(collector) {
///     try await worker.run()
/// }
/// collector.flush()
/// ```
///
/// - Parameters:
///   - collector: The collector to bind.
///   - operation: The work whose events to collect.
/// - Returns: What `operation` returns.
/// - Throws: What `operation` throws.
@discardableResult
public nonisolated(nonsending) func withEventCollector<Result, Failure: Error>(
    _ collector: EventCollector,
    operation: nonisolated(nonsending) () async throws(Failure) -> Result
) async throws(Failure) -> Result {
    do {
        return try await EventCollector.$taskLocalCollector.withValue(collector, operation: operation)
    } catch {
        throw error as! Failure
    }
}
