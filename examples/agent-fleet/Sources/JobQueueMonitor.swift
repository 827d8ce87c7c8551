import Vitals

/// The original's BullMQ tracking, on the generic API: a finished job is a `task` event of its agent (with its
/// attempts and its wait in the queue), and the queue's state is three gauges per agent. A few lines: nothing
/// queue-specific was needed in the library.
struct JobQueueMonitor {
    let labels: Labels
    let queue: String

    /// A job that left the queue: completed, or failed after its last attempt.
    func finished(
        at end: Timestamp,
        milliseconds: Double,
        waitedMilliseconds: Double,
        attempts: Int,
        failure: String?
    ) -> Record {
        .event(
            Event(
                name: "task",
                start: end.adding(milliseconds: -milliseconds),
                end: end,
                durationMilliseconds: milliseconds,
                status: failure == nil ? .ok : .error,
                error: failure,
                labels: labels,
                attributes: [
                    "queue": .string(queue), "attempts": .int(Int64(attempts)), "wait_ms": .double(waitedMilliseconds),
                ]
            )
        )
    }

    /// The queue as it stands: jobs waiting, the share of the agent's capacity in use and the tasks that takes, and
    /// the agent's cache hit rate.
    func state(at time: Timestamp, waiting: Int, busy: Double, concurrency: Int, cacheHitRate: Double) -> [Record] {
        let active = (busy * Double(concurrency)).rounded()
        return [
            .sample(Sample(name: "queue_depth", value: Double(waiting), timestamp: time, labels: labels)),
            .sample(Sample(name: "concurrent_tasks", value: active, timestamp: time, labels: labels)),
            .sample(
                Sample(name: "workload_pct", value: (busy * 1_000).rounded() / 10, timestamp: time, labels: labels)
            ),
            .sample(Sample(name: "cache_hit_rate", value: cacheHitRate, timestamp: time, labels: labels)),
        ]
    }
}
