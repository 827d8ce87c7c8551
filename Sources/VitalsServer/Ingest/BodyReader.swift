import Hummingbird
import NIOCore
import Synchronization

/// Reads a request body within the size limit, the shared byte budget and a deadline that grows with progress.
///
/// A client gets `timeout` to send its body, plus one second for every `bytesPerExtraSecond` it has sent: a
/// large body on a slow but honest link gets through, while a connection that trickles a byte now and then is
/// cut off after `timeout` instead of holding its place for as long as it likes.
struct BodyReader: Sendable {
    /// Largest body.
    var limit: Int
    /// Shared with every other ingest request.
    var budget: IngestBudget
    /// The time allowed before progress earns more.
    var timeout: Duration
    /// Bytes that earn one more second.
    var bytesPerExtraSecond = 64 * 1024

    /// What went wrong while reading.
    enum Failure: Error {
        case tooLarge
        case overBudget
        case tooSlow(received: Int)
    }

    /// Bytes received so far, shared by the reading task and the one that watches its deadline.
    private final class Progress: Sendable {
        let bytes = Atomic<Int>(0)
    }

    /// The body, with the number of budget bytes it holds (give them back with `budget.give` when done).
    func read(_ body: RequestBody) async throws -> (buffer: ByteBuffer, reserved: Int) {
        let progress = Progress()
        let limit = limit
        let budget = budget
        let timeout = timeout
        let bytesPerExtraSecond = bytesPerExtraSecond
        return try await withThrowingTaskGroup(of: (ByteBuffer, Int)?.self) { group in
            group.addTask {
                var buffer = ByteBuffer()
                var reserved = 0
                do {
                    for try await chunk in body {
                        guard buffer.readableBytes + chunk.readableBytes <= limit else { throw Failure.tooLarge }
                        buffer.writeImmutableBuffer(chunk)
                        // Charged by capacity, which is what the buffer costs (it grows by doubling).
                        if buffer.capacity > reserved {
                            guard budget.take(buffer.capacity - reserved) else { throw Failure.overBudget }
                            reserved = buffer.capacity
                        }
                        progress.bytes.store(buffer.readableBytes, ordering: .relaxed)
                    }
                } catch {
                    budget.give(reserved)
                    throw error
                }
                if Task.isCancelled {
                    budget.give(reserved)
                    throw CancellationError()
                }
                return (buffer, reserved)
            }
            group.addTask {
                let start = ContinuousClock.now
                while true {
                    let received = progress.bytes.load(ordering: .relaxed)
                    let deadline = start + timeout + .seconds(received / bytesPerExtraSecond)
                    if deadline <= .now { throw Failure.tooSlow(received: received) }
                    try await Task.sleep(until: deadline, clock: .continuous)
                }
            }
            defer { group.cancelAll() }
            do {
                guard let result = try await group.next(), let (buffer, reserved) = result else {
                    throw CancellationError()
                }
                return (buffer, reserved)
            } catch {
                // The deadline passed: the reader may have finished in the same instant; its bytes go back.
                group.cancelAll()
                while let outcome = await group.nextResult() {
                    if case .success(let result?) = outcome { budget.give(result.1) }
                }
                throw error
            }
        }
    }
}
