/// Runs `operation` with a time limit: at the deadline the operation is cancelled, a `.timeout` event is
/// recorded into the current collector, and ``TimeoutError`` is thrown.
///
/// The call returns at the deadline even when the operation ignores cancellation. Cancellation in Swift is
/// cooperative, so the operation runs in an unstructured task (it inherits task-local values such as the
/// current collector, and the priority) that is cancelled and then abandoned: a task group could not be used,
/// because a group's scope does not end until every child has. The cost is that an operation which ignores
/// cancellation keeps running, and holding what it captured, until it finishes on its own; its result is then
/// discarded.
///
/// On normal completion nothing extra is recorded: the operation's own events (an `llm_call` from
/// `measureLLMCall`, say) already describe it, and a second event per call would double every count. An error
/// thrown by the operation passes through unchanged. If the calling task is cancelled, the operation is
/// cancelled and the call throws `CancellationError` at once.
///
/// ```swift
/// let reply = try await withTimeout(.seconds(25), name: "llm_call", provider: "kimi") {
///     try await kimi.complete(prompt)
/// }
/// ```
///
/// - Parameters:
///   - limit: How long the operation may run.
///   - name: The operation's name, used as the event name and in the error; `timeout` by default.
///   - provider: The provider, recorded as the `provider` attribute and named in the error.
///   - operation: The work to run.
/// - Returns: What `operation` returns.
/// - Throws: ``TimeoutError`` at the deadline, `CancellationError` when the caller is cancelled, otherwise
///   what `operation` throws.
public func withTimeout<T: Sendable>(
    _ limit: Duration,
    name: String = "timeout",
    provider: String? = nil,
    operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let collector = EventCollector.current
    let stopwatch = EventStopwatch()
    let timeout = TimeoutError(name: name, provider: provider, limit: limit)
    let race = TimeoutRace<T>(onTimeout: {
        guard let collector else { return }
        var attributes = Attributes()
        if let provider { attributes[WireKey.provider] = .string(provider) }
        attributes["timeout_ms"] = .double(EventCollector.milliseconds(of: limit))
        collector.record(
            stopwatch.event(name: name, status: .timeout, error: timeout.description, attributes: attributes)
        )
    })
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation: continuation, limit: limit, timeout: timeout, operation: operation)
        }
    } onCancel: {
        race.cancel()
    }
}

/// Runs `operation` with the limit `policy` sets for `provider`; see `withTimeout(_:name:provider:operation:)`.
///
/// ```swift
/// let policy = TimeoutPolicy(default: .seconds(60), providers: ["glm": .seconds(30), "kimi": .seconds(25)])
/// let reply = try await withTimeout(policy: policy, provider: "glm", name: "llm_call") {
///     try await glm.complete(prompt)
/// }
/// ```
///
/// - Parameters:
///   - policy: The per-provider limits.
///   - provider: The provider whose limit applies; `nil` uses the default.
///   - name: The operation's name, used as the event name and in the error.
///   - operation: The work to run.
/// - Returns: What `operation` returns.
/// - Throws: ``TimeoutError`` at the deadline, `CancellationError` when the caller is cancelled, otherwise
///   what `operation` throws.
public func withTimeout<T: Sendable>(
    policy: TimeoutPolicy,
    provider: String?,
    name: String = "timeout",
    operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withTimeout(policy.limit(for: provider), name: name, provider: provider, operation: operation)
}

/// The shared state of one `withTimeout` call: whichever of the operation, the timer and the caller's
/// cancellation comes first resumes the continuation; the others find it gone and only clean up.
private final class TimeoutRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var work: Task<Void, Never>?
        var timer: Task<Void, Never>?
        var cancelled = false
    }

    private let state = LockedValue(State())
    private let onTimeout: @Sendable () -> Void

    init(onTimeout: @escaping @Sendable () -> Void) {
        self.onTimeout = onTimeout
    }

    func start(
        continuation: CheckedContinuation<T, any Error>,
        limit: Duration,
        timeout: TimeoutError,
        operation: @escaping @Sendable () async throws -> T
    ) {
        let alreadyCancelled = state.withLock { state in
            if state.cancelled { return true }
            state.continuation = continuation
            return false
        }
        if alreadyCancelled {
            continuation.resume(throwing: CancellationError())
            return
        }
        let work = Task {
            let result: Result<T, any Error>
            do {
                result = .success(try await operation())
            } catch {
                result = .failure(error)
            }
            self.finish(with: result, timedOut: false)
        }
        let timer = Task {
            do {
                try await Task.sleep(for: limit)
            } catch {
                return  // the operation finished first and cancelled the timer
            }
            self.finish(with: .failure(timeout), timedOut: true)
        }
        // The race may already be over (a very fast operation); then the tasks are cancelled here.
        let finished = state.withLock { state in
            state.work = work
            state.timer = timer
            return state.continuation == nil
        }
        if finished {
            work.cancel()
            timer.cancel()
        }
    }

    func cancel() {
        let (continuation, work, timer) = state.withLock { state in
            state.cancelled = true
            defer { state.continuation = nil }
            return (state.continuation, state.work, state.timer)
        }
        work?.cancel()
        timer?.cancel()
        continuation?.resume(throwing: CancellationError())
    }

    private func finish(with result: Result<T, any Error>, timedOut: Bool) {
        let (continuation, work, timer) = state.withLock { state in
            defer { state.continuation = nil }
            return (state.continuation, state.work, state.timer)
        }
        guard let continuation else { return }
        if timedOut {
            work?.cancel()
            onTimeout()
        } else {
            timer?.cancel()
        }
        continuation.resume(with: result)
    }
}
