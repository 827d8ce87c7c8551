import Foundation
import Logging
import Testing
import Vitals

private let start = Timestamp(nanosecondsSinceEpoch: 1_765_771_688_123_456_000)

/// A fresh directory under the system's temporary directory, removed when released.
private final class TemporaryDirectory {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("vitals-flush-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

private func readRecords(_ path: String) throws -> [Record] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.hasSuffix("\n"))
    let decoder = JSONLDecoder()
    return try text.split(separator: "\n").map { try decoder.decode(line: String($0)) }
}

private func recordSeedWorker() {
    recordLLMCall(
        model: "gpt-5-mini",
        phase: "initial",
        start: start,
        end: start.adding(milliseconds: 111),
        promptTokens: 1234,
        completionTokens: 89
    )
    recordToolCall(tool: "ssh_exec", start: start.adding(milliseconds: 222), end: start.adding(milliseconds: 1333))
}

@Suite struct CollectorFlushTests {
    @Test func flushWritesMetricsJSONLThatReadsBack() throws {
        let root = try TemporaryDirectory()
        let directory = root.path + "/workers/2025-12-15T04-08-08_calculate-7-6"
        let collector = EventCollector(workerID: "2025-12-15T04-08-08_calculate-7-6", directory: directory)
        withEventCollector(collector) { recordSeedWorker() }

        #expect(collector.flush())
        #expect(collector.pendingCount == 0)
        let path = try #require(collector.metricsFilePath)
        #expect(path == directory + "/metrics.jsonl")
        let records = try readRecords(path)
        #expect(records == collector.events.map { Record.event($0) })
        let firstLine = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first.map(String.init)
        #expect(
            firstLine
                == #"{"event":"llm_call","worker_id":"2025-12-15T04-08-08_calculate-7-6","phase":"initial","#
                + #""model":"gpt-5-mini","start_ts":"2025-12-15T04:08:08.123456Z","#
                + #""end_ts":"2025-12-15T04:08:08.234456Z","duration_ms":111,"prompt_tokens":1234,"#
                + #""completion_tokens":89,"total_tokens":1323,"success":true}"#
        )

        guard case .event(let llm) = records.first else {
            Issue.record("expected an event")
            return
        }
        #expect(llm.name == "llm_call")
        #expect(llm.durationMilliseconds == 111)
        #expect(llm.attributes["total_tokens"] == .int(1323))
        #expect(llm.labels["worker_id"] == "2025-12-15T04-08-08_calculate-7-6")
    }

    @Test func laterFlushesAppendOnlyNewEvents() throws {
        let root = try TemporaryDirectory()
        let collector = EventCollector(workerID: "w", directory: root.path)
        withEventCollector(collector) { recordSeedWorker() }
        #expect(collector.flush())
        #expect(collector.flush())
        withEventCollector(collector) {
            recordLLMCall(model: "gpt-5-mini", phase: "summary", start: start, end: start.adding(milliseconds: 5))
        }
        #expect(collector.pendingCount == 1)
        #expect(collector.flush())
        let records = try readRecords(root.path + "/metrics.jsonl")
        #expect(records.count == 3)
        #expect(records == collector.events.map { Record.event($0) })
    }

    @Test func aWriteFailureNeverFailsTheWork() throws {
        let root = try TemporaryDirectory()
        // A directory "inside" a regular file: creating it must fail.
        let blocker = root.path + "/not-a-directory"
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        let (logger, logs) = CapturingLogHandler.makeLogger()
        let collector = EventCollector(workerID: "w-9", directory: blocker + "/worker", logger: logger)

        let value = collector.run { () -> String in
            recordSeedWorker()
            return "The result is 42."
        }

        #expect(value == "The result is 42.")
        #expect(collector.writeFailures == 1)
        #expect(collector.events.count == 2)
        #expect(collector.pendingCount == 2)
        #expect(collector.lastWriteError?.contains(blocker) == true)
        let errors = logs.all.filter { $0.level == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.metadata["worker_id"] == "w-9")
        #expect(errors.first?.metadata["pending_events"] == "2")

        // Still failing: counted again, events still kept.
        #expect(!collector.flush())
        #expect(collector.writeFailures == 2)
        #expect(collector.pendingCount == 2)
    }

    @Test func runFlushesEvenWhenTheWorkThrows() async throws {
        struct WorkerFailure: Error, Equatable {}
        let root = try TemporaryDirectory()
        let collector = EventCollector(workerID: "w", directory: root.path)
        await #expect(throws: WorkerFailure()) {
            try await collector.run { () async throws(WorkerFailure) in
                await Task.yield()
                recordSeedWorker()
                throw WorkerFailure()
            }
        }
        #expect(collector.pendingCount == 0)
        #expect(try readRecords(root.path + "/metrics.jsonl").count == 2)
        #expect(collector.executionSummary.hasPrefix("Execution time: "))
    }

    @Test func withoutADirectoryFlushKeepsEventsInMemory() {
        let collector = EventCollector(workerID: "w")
        withEventCollector(collector) { recordSeedWorker() }
        #expect(collector.metricsFilePath == nil)
        #expect(collector.flush())
        #expect(collector.writeFailures == 0)
        #expect(collector.events.count == 2)
    }
}
