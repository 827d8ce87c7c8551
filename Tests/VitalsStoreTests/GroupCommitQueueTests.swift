import Testing
import Vitals
import VitalsStore
import VitalsTestSupport

@Suite("Group commit")
struct GroupCommitQueueTests {
    @Test("jobs that arrive during a commit share the next one, and each gets its own result")
    func sharing() async throws {
        let gate = Gate()
        let commits = LockedValue<[[Int]]>([])
        let queue = GroupCommitQueue<Int, Int>(recordsRounds: true) { jobs in
            commits.withLock { $0.append(jobs) }
            if jobs == [0] { await gate.wait() }
            return jobs.map {
                $0 % 3 == 2 ? .failure(StoreError(code: .storage, message: "job \($0)")) : .success($0 * 10)
            }
        }
        let first = Task { try await queue.submit(0) }
        while commits.withLock({ $0.isEmpty }) { await Task.yield() }
        var others: [Task<Int, any Error>] = []
        for job in 1...5 { others.append(Task { try await queue.submit(job) }) }
        // Wait until all five are queued behind the running commit.
        while await queue.waitingCount < 5 { await Task.yield() }
        gate.open()
        #expect(try await first.value == 0)
        for (index, task) in others.enumerated() {
            let job = index + 1
            if job % 3 == 2 {
                await #expect(throws: StoreError.self) { _ = try await task.value }
            } else {
                #expect(try await task.value == job * 10)
            }
        }
        #expect(await queue.roundSizes == [1, 5])
        #expect(commits.withLock { $0.map { $0.sorted() } } == [[0], [1, 2, 3, 4, 5]])
    }
}
