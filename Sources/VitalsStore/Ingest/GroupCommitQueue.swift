/// Lets concurrent callers share commits: while one commit is running, new jobs queue up; when it ends, one
/// waiting caller becomes the leader and commits everything queued in one go.
///
/// There is no background task: the caller whose job starts a round does the work, so a lone caller pays one
/// commit, and many concurrent callers pay one commit per round instead of one each.
///
/// ```swift
/// let queue = GroupCommitQueue<Batch, Receipt> { batches in await database.commitTogether(batches) }
/// let receipt = try await queue.submit(batch)
/// ```
package actor GroupCommitQueue<Job: Sendable, Output: Sendable> {
    private enum Signal: Sendable {
        case lead
        case done(Result<Output, any Error>)
    }

    private struct Waiter {
        var id: UInt64
        var job: Job
        var continuation: CheckedContinuation<Signal, Never>?
    }

    /// Commits jobs together; returns one result per job, in order.
    package typealias Commit = @Sendable ([Job]) async -> [Result<Output, any Error>]

    private let commit: Commit
    private var waiting: [Waiter] = []
    private var leaderActive = false
    private var nextID: UInt64 = 0
    /// Jobs per round, for tests and statistics.
    package private(set) var roundSizes: [Int] = []
    private let recordsRounds: Bool

    /// Jobs queued behind the running commit.
    package var waitingCount: Int { waiting.count }

    package init(recordsRounds: Bool = false, commit: @escaping Commit) {
        self.commit = commit
        self.recordsRounds = recordsRounds
    }

    /// Runs `job` in the next commit round and returns its result.
    package func submit(_ job: Job) async throws -> Output {
        let id = nextID
        nextID &+= 1
        if leaderActive {
            let signal = await withCheckedContinuation { continuation in
                waiting.append(Waiter(id: id, job: job, continuation: continuation))
            }
            if case .done(let result) = signal { return try result.get() }
        } else {
            leaderActive = true
            waiting.append(Waiter(id: id, job: job, continuation: nil))
        }
        return try await lead(as: id).get()
    }

    /// Commits everything queued (this caller's job included), hands each waiter its result and passes the
    /// leadership to the first job queued meanwhile.
    private func lead(as id: UInt64) async -> Result<Output, any Error> {
        let round = waiting
        waiting.removeAll(keepingCapacity: true)
        if recordsRounds { roundSizes.append(round.count) }
        var results = await commit(round.map(\.job))
        if results.count != round.count {
            let failure = StoreError(
                code: .storage,
                message: "commit returned \(results.count) results for \(round.count) batches"
            )
            results = Array(repeating: .failure(failure), count: round.count)
        }
        var mine: Result<Output, any Error>?
        for (waiter, result) in zip(round, results) {
            if waiter.id == id {
                mine = result
            } else {
                waiter.continuation?.resume(returning: .done(result))
            }
        }
        if waiting.isEmpty {
            leaderActive = false
        } else {
            let next = waiting[0].continuation
            waiting[0].continuation = nil
            next?.resume(returning: .lead)
        }
        return mine!
    }
}
