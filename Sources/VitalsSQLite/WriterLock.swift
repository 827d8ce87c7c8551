import Foundation
import Synchronization

/// An exclusive `flock` on a file beside the database (`PATH-writer.lock`), held while a store is open: the
/// process that holds it is the only one that may keep event buckets pending in memory, and the one that
/// rebuilds what a crashed holder left pending. The kernel releases it when the process ends, however it ends.
///
/// A second process on the same database (an import, another server) does not get it and writes every bucket
/// at once, which is always correct.
final class WriterLock: Sendable {
    private let descriptor: Int32
    private let released = Atomic<Bool>(false)

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Takes the lock of the database at `path`, or returns `nil` when another open store holds it or the file
    /// cannot be created (a read-only directory).
    static func acquire(beside path: String) -> WriterLock? {
        let descriptor = open(path + "-writer.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return nil }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        return WriterLock(descriptor: descriptor)
    }

    /// Gives the lock up (once).
    func release() {
        guard released.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        close(descriptor)
    }

    deinit { release() }
}
