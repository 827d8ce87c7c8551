import Hummingbird
import NIOCore
import Synchronization

/// The memory all ingest requests together may hold: `ingest_queue × max_body_bytes` bytes.
///
/// A body counts against the budget as its buffer grows, not when its request is admitted, so a client that
/// trickles a body holds almost nothing. Before it is decoded, a request also takes three times its body's size
/// for its decoded records and the batch prepared for the store, which it holds until its commit. The server's
/// ingest memory is then bounded by the budget however many connections are open and whatever their bodies
/// hold (the record cap bounds the records, which can cost more than their bytes, in number).
final class IngestBudget: Sendable {
    let capacity: Int
    private let used = Atomic<Int>(0)

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Bytes held now.
    var inUse: Int { used.load(ordering: .relaxed) }

    /// Takes `bytes`, or returns `false` (and takes nothing) when that would pass the capacity.
    func take(_ bytes: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while current + bytes <= capacity {
            let (exchanged, original) = used.compareExchange(
                expected: current,
                desired: current + bytes,
                ordering: .acquiringAndReleasing
            )
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Gives back bytes taken by ``take(_:)``.
    func give(_ bytes: Int) {
        used.subtract(bytes, ordering: .acquiringAndReleasing)
    }
}

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
