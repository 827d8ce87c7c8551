#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Android)
import Android
#elseif canImport(Darwin)
import Darwin
#endif

/// A value behind a pthread mutex: the lock of the core and the store (and of their tests) instead of
/// `Synchronization.Mutex`.
///
/// `Synchronization.Mutex` would do the same job, but ThreadSanitizer cannot see its synchronisation on Linux: a
/// contended lock or unlock goes through a futex in the uninstrumented Synchronization library, so ThreadSanitizer
/// misses that edge and reports the next access to the protected value as a data race (seen with Swift 6.3.1 in
/// `EventCollector.record` and in a test clock, in runs of `scripts/sanitize`, now and then, whenever two threads
/// happened to contend). A pthread mutex is intercepted by ThreadSanitizer, so code that locks with this type stays
/// verifiably race-free under `--sanitize=thread`. Uncontended, both cost one atomic compare-and-exchange to lock and
/// one to unlock.
///
/// ```swift
/// let counts = LockedValue([String: Int]())
/// counts.withLock { $0["llm_call", default: 0] += 1 }
/// ```
package final class LockedValue<Value> {
    // The mutex lives in its own allocation because a pthread mutex must not move once initialised.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    // Only touched between lock and unlock: that is what makes the class safe to share.
    private var value: Value

    /// A lock guarding `value`.
    package init(_ value: sending Value) {
        self.value = value
        self.mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed: \(status)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value and returns what it returns.
    package func withLock<Result, Failure: Error>(
        _ body: (inout sending Value) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}

// Sendable whatever the value, like `Mutex`: `sending` keeps a value that is not Sendable from being shared through it.
extension LockedValue: @unchecked Sendable {}
