#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Android)
import Android
#elseif canImport(Darwin)
import Darwin
#endif

/// A value behind a pthread mutex, for the tracker's rarely taken registry lock.
///
/// `Synchronization.Mutex` would do the same job, but ThreadSanitizer cannot see its synchronisation on Linux
/// (its lock word is handled inside the uninstrumented Synchronization module) and reports every contended
/// `withLock` as a data race. A pthread mutex is intercepted by ThreadSanitizer, so the tracker stays verifiably
/// race-free under `swift test --sanitize=thread`. Only creating operations, snapshots and resets take it; the
/// measuring paths never do.
final class TrackerLock<Value>: @unchecked Sendable {
    // The mutex lives in its own allocation because a pthread mutex must not move once initialised.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    // Only touched between lock and unlock: that is what makes the class safe to share.
    private var value: Value

    init(_ value: Value) {
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

    /// Runs `body` with exclusive access to the value.
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
