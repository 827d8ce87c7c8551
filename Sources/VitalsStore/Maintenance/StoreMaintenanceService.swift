public import Logging
public import ServiceLifecycle
public import Vitals

/// Runs roll-ups and retention on a store at a fixed interval, as a ServiceLifecycle `Service`.
///
/// Each pass rolls finished hours and days up (``MetricStore/rollUp(now:)``) and then deletes what is past the
/// retention policy in bounded chunks (``MetricStore/applyRetention(now:)``). A failed pass is logged and
/// retried at the next interval; the service ends on graceful shutdown or cancellation.
///
/// Time is injected: `clock` paces the passes and `now` tells the wall-clock time each pass works up to, so
/// tests drive the service without waiting.
///
/// ```swift
/// let maintenance = StoreMaintenanceService(store: store, logger: logger)
/// let group = ServiceGroup(services: [maintenance], logger: logger)
/// try await group.run()
/// ```
public struct StoreMaintenanceService<ServiceClock: Clock>: Service where ServiceClock.Duration == Duration {
    private let store: any MetricStore
    private let interval: Duration
    private let clock: ServiceClock
    private let now: @Sendable () -> Timestamp
    private let logger: Logger

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - store: The store to maintain.
    ///   - interval: Time between passes. Default 60 seconds.
    ///   - clock: The clock that paces the passes.
    ///   - now: The wall-clock time a pass works up to. Default the current time.
    ///   - logger: Where pass results and failures are logged.
    public init(
        store: any MetricStore,
        interval: Duration = .seconds(60),
        clock: ServiceClock,
        now: @escaping @Sendable () -> Timestamp = { Timestamp.now() },
        logger: Logger
    ) {
        self.store = store
        self.interval = interval
        self.clock = clock
        self.now = now
        self.logger = logger
    }

    /// Runs passes until graceful shutdown or cancellation; the first pass starts at once.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    await runPass()
                    try await clock.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            return
        }
    }

    /// One roll-up and retention pass; failures are logged, not thrown, so one bad pass does not stop the next.
    public func runPass() async {
        let time = now()
        do {
            let rollup = try await store.rollUp(now: time)
            let retention = try await store.applyRetention(now: time)
            logger.debug(
                "store maintenance pass",
                metadata: [
                    "ten_minute_buckets": "\(rollup.tenMinuteBuckets)", "hour_buckets": "\(rollup.hourBuckets)",
                    "six_hour_buckets": "\(rollup.sixHourBuckets)", "day_buckets": "\(rollup.dayBuckets)",
                    "raw_events_deleted": "\(retention.rawEvents)",
                    "buckets_deleted": "\(retention.buckets.values.reduce(0, +))",
                ]
            )
        } catch {
            logger.error("store maintenance pass failed", metadata: ["error": "\(error)"])
        }
    }
}

extension StoreMaintenanceService where ServiceClock == ContinuousClock {
    /// Creates the service paced by the continuous clock.
    public init(store: any MetricStore, interval: Duration = .seconds(60), logger: Logger) {
        self.init(store: store, interval: interval, clock: ContinuousClock(), logger: logger)
    }
}
