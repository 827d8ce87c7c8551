package import Logging
package import ServiceLifecycle
import Vitals
import VitalsExposition
import VitalsStore

/// `vitals serve --demo`: feeds the server from a simulated agent fleet (``DemoFleet``) — the last ten minutes at
/// once, then every second — through the same path as `POST /v1/events`: the store, then `/metrics`.
package struct DemoFeed: Service {
    let server: VitalsServer
    let logger: Logger
    let backfill: Duration
    let interval: Duration

    /// Creates the feed.
    ///
    /// - Parameters:
    ///   - server: The server whose store and `/metrics` receive the events.
    ///   - backfill: How much history to generate at start. Default 10 minutes.
    ///   - interval: How often to generate the events of the time that passed. Default 1 s.
    package init(
        server: VitalsServer,
        logger: Logger,
        backfill: Duration = .seconds(600),
        interval: Duration = .seconds(1)
    ) {
        self.server = server
        self.logger = logger
        self.backfill = backfill
        self.interval = interval
    }

    package func run() async throws {
        let seed = UInt64(truncatingIfNeeded: Timestamp.now().nanosecondsSinceEpoch)
        logger.info("demo: a simulated agent fleet is feeding the server (GET /v1/series lists what it sends)")
        do {
            // Generating the history is the most CPU a demo server spends; like a posted batch, it runs on the
            // ingest threads, so that it never holds the global threads that answer probes, pages and queries.
            try await cancelWhenGracefulShutdown {
                try await withTaskExecutorPreference(IngestExecutor.shared) { try await feedUntilCancelled(seed: seed) }
            }
        } catch is CancellationError {
            return
        }
    }

    /// History in one-minute slices, then the time that passes, one interval at a time.
    private func feedUntilCancelled(seed: UInt64) async throws {
        var fleet = DemoFleet(seed: seed)
        let start = Timestamp.now()
        var last = Timestamp(nanosecondsSinceEpoch: start.nanosecondsSinceEpoch - backfill.nanoseconds)
        while !Task.isCancelled {
            let now = Timestamp.now()
            let end = min(now, Timestamp(nanosecondsSinceEpoch: last.nanosecondsSinceEpoch + 60_000_000_000))
            if end > last {
                await feed(fleet.records(from: last, to: end))
                last = end
            }
            if end == now { try await Task.sleep(for: interval) }
        }
    }

    private func feed(_ records: [Record]) async {
        guard !records.isEmpty else { return }
        do {
            let result = try await server.store.ingest(records, receivedAt: .now())
            server.exposition.record(records)
            server.exposition.server.recordIngest(
                accepted: result.accepted,
                rejected: result.rejected.count,
                storeSeconds: 0
            )
        } catch {
            logger.warning("demo: the store refused a batch", metadata: ["error": "\(error)"])
        }
    }
}
