import Logging
import Testing
import Vitals

/// A real in-memory `LogHandler`: every message it receives, with level and metadata, in order.
struct CapturingLogHandler: LogHandler {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    final class Store: Sendable {
        private let entries = LockedValue<[Entry]>([])

        var all: [Entry] { entries.withLock { $0 } }
        var messages: [String] { all.map(\.message) }

        func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
    }

    let store: Store
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    init(store: Store) { self.store = store }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        store.append(
            Entry(
                level: event.level,
                message: event.message.description,
                metadata: metadata.merging(event.metadata ?? [:]) { $1 }
            )
        )
    }

    /// A logger writing into a fresh store.
    static func makeLogger(level: Logger.Level = .trace) -> (Logger, Store) {
        let store = Store()
        var logger = Logger(label: "test") { _ in CapturingLogHandler(store: store) }
        logger.logLevel = level
        return (logger, store)
    }
}

private struct TimedFailure: Error, Equatable {
    var code: Int
}

@Suite struct TimedTests {
    private static var perfPattern: Regex<Substring> { /PERF \[route_query\]: \d+\.\dms/ }

    @Test func logsThePerfLineAtTheChosenLevel() throws {
        let (logger, store) = CapturingLogHandler.makeLogger()
        let value = timed("route_query", level: .debug, logger: logger) { 42 }
        #expect(value == 42)
        let entries = store.all
        try #require(entries.count == 1)
        #expect(entries[0].level == .debug)
        #expect(entries[0].message.wholeMatch(of: Self.perfPattern) != nil, "\(entries[0].message)")
    }

    @Test func respectsTheLoggersLevel() {
        let (logger, store) = CapturingLogHandler.makeLogger(level: .info)
        timed("route_query", level: .debug, logger: logger) {}
        #expect(store.messages.isEmpty)
    }

    @Test func nestedBlocksLogInnermostFirst() {
        let (logger, store) = CapturingLogHandler.makeLogger()
        timed("outer", logger: logger) {
            timed("first", logger: logger) {}
            timed("second", logger: logger) {
                timed("innermost", logger: logger) {}
            }
        }
        let names = store.messages.map { $0.firstMatch(of: /\[(\w+)\]/).map { String($0.1) } ?? "?" }
        #expect(names == ["first", "innermost", "second", "outer"])
        #expect(store.messages.allSatisfy { $0.wholeMatch(of: /PERF \[\w+\]: \d+\.\dms/) != nil })
    }

    @Test func asyncBlocksAreTimedAndRecorded() async throws {
        let (logger, store) = CapturingLogHandler.makeLogger()
        let collector = EventCollector(workerID: "w-1")
        let value = await withEventCollector(collector) {
            await timed("route_query", logger: logger) {
                await Task.yield()
                return "kb"
            }
        }
        #expect(value == "kb")
        #expect(store.messages.count == 1)
        #expect(store.messages.first?.wholeMatch(of: Self.perfPattern) != nil)
        let events = collector.events
        try #require(events.count == 1)
        #expect(events[0].name == "route_query")
        #expect(events[0].status == .ok)
        #expect(events[0].labels["worker_id"] == "w-1")
    }

    @Test func thrownErrorsAreRecordedAndRethrownUnchanged() throws {
        let (logger, store) = CapturingLogHandler.makeLogger()
        let collector = EventCollector()
        #expect(throws: TimedFailure(code: 7)) {
            try withEventCollector(collector) { () throws(TimedFailure) in
                try timed("route_query", logger: logger) { () throws(TimedFailure) in
                    throw TimedFailure(code: 7)
                }
            }
        }
        let entries = store.all
        try #require(entries.count == 1)
        #expect(entries[0].message.wholeMatch(of: Self.perfPattern) != nil)
        #expect(entries[0].metadata["status"] == "error")
        #expect(collector.events.map(\.status) == [.error])
        #expect(collector.events.first?.error == "TimedFailure(code: 7)")
    }

    @Test func typedThrowsPassThrough() {
        let (logger, _) = CapturingLogHandler.makeLogger()
        // Compiles only if `timed` preserves the closure's error type.
        func run() throws(TimedFailure) -> Int {
            try timed("typed", logger: logger) { () throws(TimedFailure) -> Int in throw TimedFailure(code: 1) }
        }
        do {
            _ = try run()
            Issue.record("expected an error")
        } catch {
            #expect(error.code == 1)
        }
    }

    @Test(arguments: [
        (245.26, "PERF [x]: 245.3ms"),
        (0.04, "PERF [x]: 0.0ms"),
        (0.06, "PERF [x]: 0.1ms"),
        (1234.0, "PERF [x]: 1234.0ms"),
        (99.96, "PERF [x]: 100.0ms"),
    ])
    func formatsOneDecimal(milliseconds: Double, expected: String) {
        #expect(perfLine("x", milliseconds: milliseconds) == expected)
    }
}
