import Vitals

/// Wakes one waiting task: a receiver's worker sleeps until its next retry is due or until the bell rings
/// (a notification was queued, the service is stopping), whichever comes first.
///
/// A ring while nobody waits is kept, so the next wait returns at once: a notification queued just before its
/// worker goes to sleep is not left waiting for the next retry.
final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = LockedValue(State())

    /// Wakes the waiter, or the next one to wait.
    func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when the bell rings, after `limit` (when given) or when the task is cancelled.
    ///
    /// - Parameters:
    ///   - limit: The longest wait; `nil` waits for the bell alone.
    ///   - sleep: Sleeps on the delivery's clock.
    func wait(atMost limit: Duration?, sleep: @escaping @Sendable (Duration) async throws -> Void) async {
        guard let limit else {
            await wait()
            return
        }
        guard limit > .zero else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait() }
            group.addTask { try? await sleep(limit) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns when the bell rings or the task is cancelled.
    private func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    // Checked under the lock: a cancellation handler that runs later finds the waiter stored.
                    if state.rung || Task.isCancelled {
                        state.rung = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
