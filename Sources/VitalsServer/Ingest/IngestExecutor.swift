import CVitalsShims
import Foundation

/// Threads of their own for the CPU-heavy part of ingest (decoding bodies, preparing batches), run at a lower
/// scheduling priority than the rest of the process.
///
/// Swift's global executor has one thread per core. Thirty-two requests decoding 10 MB bodies at once would
/// occupy all of them, and `/health/live` — the probe that decides whether an orchestrator restarts the server —
/// would wait behind them for seconds. Ingest tasks prefer this executor instead (`withTaskExecutorPreference`),
/// so the global threads stay free for probes and queries, and the kernel hands the CPU to those first.
final class IngestExecutor: TaskExecutor, @unchecked Sendable {
    /// One executor for the process: its threads live as long as the process.
    static let shared = IngestExecutor(threads: max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// The `nice` increment of the ingest threads (Linux schedules each thread by its own nice value).
    static let niceness: Int32 = 5

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var head = 0

    private init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "vitals-ingest-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        _ = vitals_lower_thread_priority(Self.niceness)
        let executor = asUnownedTaskExecutor()
        while true {
            condition.lock()
            while head == jobs.count { condition.wait() }
            let job = jobs[head]
            head += 1
            // Compact once the consumed prefix dominates, so the array does not grow for ever.
            if head > 1_024 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: executor)
        }
    }
}
