import Vitals

/// A wait that only ``open()`` ends: cancellation does not, and no thread is held while it lasts. Tests use it to hold
/// work at a known point (a commit, a stuck health probe) without blocking one of the concurrency pool's few threads.
///
/// ```swift
/// let gate = Gate()
/// let job = Task { await gate.wait(); return "done" }
/// gate.open()
/// ```
package final class Gate: Sendable {
    private let state = LockedValue<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    package init() {}

    /// Returns once the gate is open (at once when it already is).
    package func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Opens the gate for every waiter, present and future.
    package func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
