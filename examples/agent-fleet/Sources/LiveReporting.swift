import Foundation
import Logging
import Vitals
import VitalsPush
import VitalsServer
import VitalsStore

/// The fleet reporting as it works: every agent's finished jobs and queue gauges go through the in-process exporter
/// to a `vitals serve` running on the same store. While the database is down the server answers 503 and nothing of
/// a batch is stored; the exporter keeps the records (up to its bound) and sends them again, with backoff, until the
/// database is back. At the end the store is asked how many of the jobs it holds.
struct LiveReporting {
    var seconds: Int
    var store: any MetricStore
    var logger: Logger

    /// Records jobs for `seconds`, then waits (up to a minute) for the exporter to deliver; returns the summary line.
    func run(fleet: inout SimulatedFleet, after history: Timestamp) async throws -> String {
        var settings = ServerConfiguration()
        settings.host = "127.0.0.1"
        settings.port = 0
        settings.store.labelKeys += ["agent_domain"]
        let server = try await VitalsServer(configuration: settings, store: store, logger: logger).start()
        let port = server.port

        var exporting = ExporterConfiguration()
        exporting.push.serverURL = "http://127.0.0.1:\(port)"
        exporting.push.batchSize = 200
        exporting.push.retry = PushRetryPolicy(baseDelay: .milliseconds(200), maximumDelay: .seconds(2))
        exporting.flushInterval = .milliseconds(250)
        exporting.maximumQueuedRecords = 50_000
        exporting.shutdownTimeout = .seconds(60)
        let exporter = VitalsExporter(configuration: exporting, logger: logger)
        let export = Task { try await exporter.run() }

        say("live: reporting for \(seconds) s through \(exporting.push.serverURL)")
        let clock = ContinuousClock()
        let end = clock.now + .seconds(seconds)
        var jobs = 0
        while clock.now < end {
            let now = Timestamp.now()
            for record in fleet.tick(at: now) {
                exporter.receive(record)
                if case .event = record { jobs += 1 }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        exporter.stop()
        try await export.value
        let figures = exporter.statistics
        say("live: the exporter is done (\(figures.sent) sent, \(figures.queued) still queued)")
        // A request still waiting for the database holds the server's graceful stop; give it a bounded time.
        do {
            try await withTimeout(.seconds(60), name: "server_stop") { try await server.stop() }
        } catch is TimeoutError {
            say("live: the server did not stop within 60 s: requests still wait for the database")
        }
        let stored = try await withTimeout(.seconds(60), name: "store_read") { [store] in
            var stored = 0
            let range = TimeRange(from: history, to: Timestamp.now().adding(milliseconds: 60_000))
            for (_, statistics) in try await store.eventStatisticsBySeries(names: ["task"], range: range) {
                stored += Int(statistics.count)
            }
            return stored
        }
        return "live: \(jobs) jobs reported over \(seconds) s; exporter: \(figures.sent) records sent, "
            + "\(figures.retries) retries, \(figures.dropped) dropped, \(figures.lost) lost; "
            + "the store holds \(stored) of the \(jobs) jobs"
    }

    /// Writes a line at once, not buffered, so a watcher (the example's test) sees how far the run got.
    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
