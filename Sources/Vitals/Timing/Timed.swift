public import Logging

/// Times a block, logs `PERF [name]: 245.3ms` through swift-log, and records the event into the current
/// collector when one is bound.
///
/// Blocks nest: an inner `timed` finishes, and logs, before the outer one. A thrown error is recorded
/// (status `error`, `cancelled` or `timeout`) and rethrown unchanged; the line is logged either way, with
/// `status` metadata when the block failed. The duration comes from the monotonic clock.
///
/// ```swift
/// let route = timed("route_query", level: .debug, logger: logger) {
///     router.route(query)
/// }
/// // debug: PERF [route_query]: 0.4ms
/// ```
///
/// - Parameters:
///   - name: The operation's name, used in the log line and as the event name.
///   - level: The log level of the line; `.info` by default.
///   - logger: Where to log; by default the task-local `Logger.current`.
///   - operation: The block to time.
/// - Returns: What `operation` returns.
/// - Throws: What `operation` throws.
@discardableResult
public func timed<T, Failure: Error>(
    _ name: String,
    level: Logger.Level = .info,
    logger: Logger = .current,
    _ operation: () throws(Failure) -> T
) throws(Failure) -> T {
    let stopwatch = EventStopwatch()
    do {
        let value = try operation()
        finishTimed(name, stopwatch: stopwatch, status: .ok, error: nil, level: level, logger: logger)
        return value
    } catch {
        finishTimed(name, stopwatch: stopwatch, status: nil, error: error, level: level, logger: logger)
        throw error
    }
}

/// Times an async block, logs `PERF [name]: 245.3ms` through swift-log, and records the event into the current
/// collector when one is bound.
///
/// Blocks nest: an inner `timed` finishes, and logs, before the outer one. A thrown error is recorded
/// (status `error`, `cancelled` or `timeout`) and rethrown unchanged; the line is logged either way, with
/// `status` metadata when the block failed. The duration comes from the monotonic clock.
///
/// ```swift
/// let answer = try await timed("handle_message", logger: logger) {
///     try await bot.handle(message)
/// }
/// // info: PERF [handle_message]: 245.3ms
/// ```
///
/// - Parameters:
///   - name: The operation's name, used in the log line and as the event name.
///   - level: The log level of the line; `.info` by default.
///   - logger: Where to log; by default the task-local `Logger.current`.
///   - operation: The block to time.
/// - Returns: What `operation` returns.
/// - Throws: What `operation` throws.
@discardableResult
public nonisolated(nonsending) func timed<T, Failure: Error>(
    _ name: String,
    level: Logger.Level = .info,
    logger: Logger = .current,
    _ operation: nonisolated(nonsending) () async throws(Failure) -> T
) async throws(Failure) -> T {
    let stopwatch = EventStopwatch()
    do {
        let value = try await operation()
        finishTimed(name, stopwatch: stopwatch, status: .ok, error: nil, level: level, logger: logger)
        return value
    } catch {
        finishTimed(name, stopwatch: stopwatch, status: nil, error: error, level: level, logger: logger)
        throw error
    }
}

private func finishTimed(
    _ name: String,
    stopwatch: EventStopwatch,
    status: EventStatus?,
    error: (any Error)?,
    level: Logger.Level,
    logger: Logger
) {
    let event =
        if let error {
            stopwatch.failedEvent(name: name, error: error)
        } else {
            stopwatch.event(name: name, status: status ?? .ok)
        }
    if event.status == .ok {
        logger.log(level: level, "\(perfLine(name, milliseconds: event.durationMilliseconds))")
    } else {
        logger.log(
            level: level,
            "\(perfLine(name, milliseconds: event.durationMilliseconds))",
            metadata: ["status": "\(event.status.rawValue)"]
        )
    }
    EventCollector.current?.record(event)
}

/// `PERF [name]: 245.3ms` — milliseconds with exactly one decimal, like the original decorator's `%.1f`.
package func perfLine(_ name: String, milliseconds: Double) -> String {
    let tenths = milliseconds.isFinite ? Int64(Swift.max(0, milliseconds * 10).rounded()) : 0
    return "PERF [\(name)]: \(tenths / 10).\(tenths % 10)ms"
}
