/// SQLite-specific settings of a store.
///
/// ```swift
/// var sqlite = SQLiteConfiguration.default
/// sqlite.durability = .processCrash
/// ```
public struct SQLiteConfiguration: Sendable, Hashable {
    /// How far a commit waits for the disk before ``VitalsStore/MetricStore/ingest(_:receivedAt:)`` returns.
    public enum Durability: Sendable, Hashable {
        /// Survives power loss and OS crashes: every commit is synced to disk (`synchronous=FULL`). The default.
        case powerLoss
        /// Survives a crash or `kill -9` of the process, not of the machine (`synchronous=NORMAL` in WAL mode):
        /// commits reach the OS at once and the disk at the next checkpoint.
        case processCrash
    }

    /// Default ``Durability/powerLoss``.
    public var durability: Durability
    /// How long a writer waits for another process holding the write lock. Default 5 seconds.
    public var busyTimeout: Duration
    /// Pages of cache per connection, in KiB. Default 16,384 (16 MiB).
    public var cacheKiB: Int

    /// Creates a configuration; every argument defaults to the documented default.
    public init(durability: Durability = .powerLoss, busyTimeout: Duration = .seconds(5), cacheKiB: Int = 16_384) {
        self.durability = durability
        self.busyTimeout = busyTimeout
        self.cacheKiB = cacheKiB
    }

    /// The documented defaults.
    public static let `default` = SQLiteConfiguration()
}
