import Foundation
import Logging
import ServiceLifecycle
import Testing
import Vitals
import VitalsPush

@Suite("in-process exporter against a real HTTP receiver", .timeLimit(.minutes(5)))
struct ExporterTests {
    func configuration(port: Int, queue: Int = 1_000) -> ExporterConfiguration {
        var configuration = ExporterConfiguration()
        configuration.push.serverURL = "http://127.0.0.1:\(port)"
        configuration.push.batchSize = 20
        configuration.push.retry = PushRetryPolicy(baseDelay: .milliseconds(1), maximumDelay: .milliseconds(20))
        configuration.flushInterval = .milliseconds(50)
        configuration.maximumQueuedRecords = queue
        configuration.shutdownTimeout = .seconds(2)
        return configuration
    }

    func event(_ index: Int) -> Event {
        Event(name: "tool_call", durationMilliseconds: Double(index), attributes: ["tool": .string("t\(index)")])
    }

    /// The line the exporter sends for `event(index)`.
    func line(_ index: Int) -> String { JSONLEncoder().encode(.event(event(index))) }

    @Test(
        "503 for a while, then recovery: everything within the queue bound arrives once, in order; the rest is counted as dropped"
    )
    func overloadedThenRecovers() async throws {
        let receiver = Receiver(script: Array(repeating: .status(503, retryAfter: "0"), count: 6))
        let statistics = try await receiver.serve { port in
            let exporter = VitalsExporter(configuration: configuration(port: port, queue: 50))
            // Recorded before anything can be sent: 50 fit the queue, 30 find it full.
            for index in 0..<80 { exporter.receive(.event(event(index))) }
            let run = Task { try await exporter.run() }
            try await receiver.waitForAcknowledged(50)
            exporter.stop()
            try await run.value
            return exporter.statistics
        }
        #expect(receiver.acknowledgedLines == (0..<50).map(line))
        #expect(receiver.requests.filter { !$0.gzip }.isEmpty)
        #expect(statistics.recorded == 80)
        #expect(statistics.dropped == 30)
        #expect(statistics.sent == 50)
        #expect(statistics.retries >= 6)
        #expect(statistics.lost == 0)
        #expect(statistics.queued == 0)
    }

    @Test(
        "batches by size while running and by time for the last few; a line the server refuses is counted, not resent"
    )
    func batchesBySizeAndTime() async throws {
        let receiver = Receiver()
        let statistics = try await receiver.serve { port in
            let exporter = VitalsExporter(configuration: configuration(port: port))
            let run = Task { try await exporter.run() }
            for index in 0..<45 { exporter.receive(.event(event(index))) }
            exporter.receive(.sample(Sample(name: "queue_depth", value: 7, labels: ["agent_id": "A1"])))
            exporter.receive(.event(Event(name: "bad", durationMilliseconds: 1, attributes: ["bad": .string("yes")])))
            // Nothing stops the exporter: the last 7 records go after a flush interval.
            try await receiver.waitForAcknowledged(47)
            exporter.stop()
            try await run.value
            return exporter.statistics
        }
        let lines = receiver.acknowledgedLines
        #expect(Array(lines.prefix(45)) == (0..<45).map(line))
        #expect(lines[45].hasPrefix(#"{"metric":"queue_depth","value":7"#))
        #expect(receiver.requests.map(\.lines.count).prefix(2) == [20, 20])
        #expect(statistics.sent == 46)
        #expect(statistics.rejected == 1)
        #expect(statistics.dropped == 0)
    }

    @Test("a server down at shutdown: the exporter waits at most its timeout, then counts what it held as lost")
    func serverDownAtShutdown() async throws {
        // A port that was free a moment ago; nothing listens on it any more.
        let port = try await Receiver().serve { $0 }
        var settings = configuration(port: port)
        settings.shutdownTimeout = .milliseconds(500)
        settings.push.retry = PushRetryPolicy(baseDelay: .milliseconds(50), maximumDelay: .seconds(5))
        let exporter = VitalsExporter(configuration: settings)
        for index in 0..<10 { exporter.receive(.event(event(index))) }
        let run = Task { try await exporter.run() }
        try await Task.sleep(for: .milliseconds(200))
        let clock = ContinuousClock()
        let started = clock.now
        exporter.stop()
        try await run.value
        let waited = started.duration(to: clock.now)
        let statistics = exporter.statistics
        #expect(statistics.lost == 10)
        #expect(statistics.sent == 0)
        #expect(statistics.queued == 0)
        // The bound is the shutdown timeout; seconds of slack for a loaded machine, far below a hang.
        #expect(waited < .seconds(10), "stopping took \(waited)")
        // Recording after the stop still never blocks or throws.
        exporter.receive(.event(event(99)))
        #expect(exporter.statistics.recorded == 11)
    }

    @Test("a ServiceGroup's graceful shutdown flushes what the collector recorded")
    func gracefulShutdownFlushes() async throws {
        let receiver = Receiver()
        try await receiver.serve { port in
            var settings = configuration(port: port)
            settings.flushInterval = .seconds(60)  // only the shutdown can send the partial batch
            let exporter = VitalsExporter(configuration: settings)
            let collector = EventCollector(workerID: "w-1", labels: ["service": "bot"], sink: exporter)
            withEventCollector(collector) {
                for index in 0..<5 { recordEvent(event(index)) }
            }
            var logger = Logger(label: "exporter-test")
            logger.logLevel = .error
            let group = ServiceGroup(configuration: .init(services: [exporter], logger: logger))
            let run = Task { try await group.run() }
            try await Task.sleep(for: .milliseconds(100))
            #expect(receiver.acknowledgedLines.isEmpty)
            await group.triggerGracefulShutdown()
            try await run.value
            #expect(exporter.statistics.sent == 5)
        }
        #expect(receiver.acknowledgedLines.count == 5)
        #expect(
            receiver.acknowledgedLines.allSatisfy {
                $0.contains(#""service":"bot""#) && $0.contains(#""worker_id":"w-1""#)
            }
        )
    }
}
