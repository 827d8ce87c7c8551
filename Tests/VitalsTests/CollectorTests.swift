import Logging
import Testing
import Vitals

/// A clock that only moves when told to, so execution times and sampling windows are exact in tests.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration

        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let current = LockedValue<Duration>(.zero)

    var now: Instant { Instant(offset: current.withLock { $0 }) }
    var minimumResolution: Duration { .nanoseconds(1) }

    func advance(by duration: Duration) {
        current.withLock { $0 += duration }
    }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        current.withLock { $0 = max($0, deadline.offset) }
    }
}

private struct WorkerFailure: Error, Equatable {
    var reason: String
}

private let t0 = Timestamp(nanosecondsSinceEpoch: 1_765_771_688_123_456_000)

@Suite struct CollectorTests {
    @Test func concurrentWorkersNeverSeeEachOthersEvents() async {
        let workers = 40
        let collectors = (0..<workers).map { EventCollector(workerID: "worker-\($0)") }
        await withTaskGroup(of: Void.self) { group in
            for (index, collector) in collectors.enumerated() {
                group.addTask {
                    await withEventCollector(collector) {
                        // Child tasks of the worker record concurrently with every other worker's.
                        await withTaskGroup(of: Void.self) { children in
                            for call in 0..<(index % 5 + 1) {
                                children.addTask {
                                    await Task.yield()
                                    recordToolCall(tool: "tool-\(index)", start: t0, end: t0.adding(milliseconds: 1))
                                    async let nested: Void = recordEvent(
                                        Event(
                                            name: "step",
                                            durationMilliseconds: Double(call),
                                            attributes: ["owner": .int(Int64(index))]
                                        )
                                    )
                                    await nested
                                }
                            }
                        }
                    }
                }
            }
        }
        for (index, collector) in collectors.enumerated() {
            let events = collector.events
            #expect(events.count == 2 * (index % 5 + 1), "worker \(index)")
            #expect(events.allSatisfy { $0.labels["worker_id"] == "worker-\(index)" })
            #expect(
                events.filter { $0.name == "tool_call" }.allSatisfy {
                    $0.attributes["tool"] == .string("tool-\(index)")
                }
            )
            #expect(events.filter { $0.name == "step" }.allSatisfy { $0.attributes["owner"] == .int(Int64(index)) })
        }
    }

    @Test func childTasksInheritTheCollectorButDetachedTasksDoNot() async {
        let collector = EventCollector()
        #expect(EventCollector.current == nil)
        let detachedSawCollector = await withEventCollector(collector) { () async -> Bool in
            #expect(EventCollector.current === collector)
            await Task { recordEvent(Event(name: "unstructured", durationMilliseconds: 1)) }.value
            async let child: Void = recordEvent(Event(name: "async_let", durationMilliseconds: 1))
            await child
            return await Task.detached { EventCollector.current != nil }.value
        }
        #expect(!detachedSawCollector)
        #expect(EventCollector.current == nil)
        #expect(Set(collector.events.map(\.name)) == ["unstructured", "async_let"])
    }

    @Test func innerBindingReplacesOuterForItsScopeOnly() {
        let outer = EventCollector(workerID: "outer")
        let inner = EventCollector(workerID: "inner")
        withEventCollector(outer) {
            recordEvent(Event(name: "a", durationMilliseconds: 1))
            withEventCollector(inner) {
                recordEvent(Event(name: "b", durationMilliseconds: 1))
            }
            recordEvent(Event(name: "c", durationMilliseconds: 1))
        }
        #expect(outer.events.map(\.name) == ["a", "c"])
        #expect(inner.events.map(\.name) == ["b"])
    }

    @Test func eventsOutsideAnyCollectorAreDropped() {
        let unbound = EventCollector()
        recordEvent(Event(name: "lost", durationMilliseconds: 1))
        recordLLMCall(model: "gpt-5-mini", start: t0, end: t0)
        let value = measureToolCall(tool: "ssh_exec") { 5 }
        #expect(value == 5)
        #expect(unbound.events.isEmpty)
        #expect(unbound.aggregates.isEmpty)
    }

    @Test func typedErrorsPassThroughTheBinding() async {
        let collector = EventCollector()
        func work() throws(WorkerFailure) -> Int {
            try withEventCollector(collector) { () throws(WorkerFailure) -> Int in throw WorkerFailure(reason: "sync") }
        }
        #expect(throws: WorkerFailure(reason: "sync")) { try work() }
        await #expect(throws: WorkerFailure(reason: "async")) {
            try await withEventCollector(collector) { () async throws(WorkerFailure) in
                await Task.yield()
                throw WorkerFailure(reason: "async")
            }
        }
    }

    @Test func llmAndToolCallsHaveTheSeedShape() throws {
        let collector = EventCollector(workerID: "w-7", labels: ["agent_id": "AGENT_1"])
        withEventCollector(collector) {
            recordLLMCall(
                model: "gpt-5-mini",
                phase: "initial",
                start: t0,
                end: t0.adding(milliseconds: 111),
                promptTokens: 1234,
                completionTokens: 89
            )
            recordToolCall(
                tool: "ssh_exec",
                start: t0,
                end: t0.adding(milliseconds: 1111),
                success: false,
                error: "connection refused"
            )
        }
        let events = collector.events
        try #require(events.count == 2)
        let llm = events[0]
        #expect(llm.name == "llm_call")
        #expect(llm.durationMilliseconds == 111)
        #expect(llm.start == t0)
        #expect(llm.attributes.map(\.key) == ["phase", "model", "prompt_tokens", "completion_tokens", "total_tokens"])
        #expect(llm.attributes["total_tokens"] == .int(1323))
        #expect(llm.labels["worker_id"] == "w-7")
        #expect(llm.labels["agent_id"] == "AGENT_1")
        let tool = events[1]
        #expect(tool.name == "tool_call")
        #expect(tool.status == .error)
        #expect(tool.error == "connection refused")
        #expect(tool.attributes["tool"] == .string("ssh_exec"))
    }

    @Test func measureHelpersRecordSuccessErrorsAndCancellation() async throws {
        let collector = EventCollector()
        await withEventCollector(collector) {
            let reply = measureLLMCall(model: "gpt-5-mini", phase: "summary", provider: "openai") {
                (text: "hi", input: 567, output: 23)
            } usage: { reply in
                LLMUsage(promptTokens: reply.input, completionTokens: reply.output, costUSD: 0.001)
            }
            #expect(reply.text == "hi")
            #expect(throws: WorkerFailure(reason: "boom")) {
                try measureToolCall(tool: "http_request") { () throws(WorkerFailure) in
                    throw WorkerFailure(reason: "boom")
                }
            }
            await #expect(throws: CancellationError.self) {
                try await measureToolCall(tool: "ssh_exec") {
                    await Task.yield()
                    throw CancellationError()
                }
            }
            let value = await measureLLMCall(model: "glm-4.6") {
                await Task.yield()
                return 3
            }
            #expect(value == 3)
        }
        let events = collector.events
        try #require(events.count == 4)
        #expect(events.map(\.name) == ["llm_call", "tool_call", "tool_call", "llm_call"])
        #expect(events.map(\.status) == [.ok, .error, .cancelled, .ok])
        #expect(events[0].attributes["completion_tokens"] == .int(23))
        #expect(events[0].attributes["provider"] == .string("openai"))
        #expect(events[0].attributes["cost_usd"] == .double(0.001))
        #expect(events[1].error == #"WorkerFailure(reason: "boom")"#)
        #expect(events[3].attributes["prompt_tokens"] == nil)
        #expect(events.allSatisfy { $0.start != nil && $0.end != nil && $0.durationMilliseconds >= 0 })
    }

    @Test func executionSummaryFollowsTheClock() {
        let clock = ManualClock()
        let collector = EventCollector(workerID: "w", clock: clock)
        clock.advance(by: .milliseconds(98))
        #expect(collector.executionSummary == "Execution time: 98ms")
        collector.finish()
        clock.advance(by: .seconds(5))
        #expect(collector.executionSummary == "Execution time: 98ms")
        #expect(
            collector.annotatedResult(
                "The result is 42.",
                header: "Result from worker job 123 (worker 2025-12-15T04-08-08_calculate-7-6):"
            ) == """
                Result from worker job 123 (worker 2025-12-15T04-08-08_calculate-7-6):

                Execution time: 98ms

                The result is 42.
                """
        )
        collector.start()
        clock.advance(by: .microseconds(1_600))
        #expect(collector.executionTime == .microseconds(1_600))
        #expect(collector.executionSummary == "Execution time: 2ms")
        #expect(EventCollector.executionSummary(milliseconds: 0.3) == "Execution time: 0ms")
    }

    @Test func adaptiveSamplingThinsRawEventsButNeverAggregates() throws {
        let clock = ManualClock()
        let collector = EventCollector(
            configuration: .init(maximumRawEventsPerSecond: 10),
            clock: clock
        )
        for index in 0..<100 {
            collector.record(
                Event(name: "tick", durationMilliseconds: 2, status: index % 10 == 0 ? .error : .ok)
            )
        }
        // 10 at 1:1, 10 at 1:2 (20 offered), 10 at 1:4 (40 offered), then 1:8 over the last 30 offered.
        let events = collector.events
        #expect(events.count == 33)
        #expect(collector.sampledOutCount == 67)
        #expect(events.prefix(10).allSatisfy { $0.attributes["sample_rate"] == nil })
        #expect(events[10].attributes["sample_rate"] == .int(2))
        #expect(events[20].attributes["sample_rate"] == .int(4))
        #expect(events[30].attributes["sample_rate"] == .int(8))
        let represented = events.reduce(0) { $0 + Int($1.number("sample_rate") ?? 1) }
        #expect((90...100).contains(represented))

        let aggregate = try #require(collector.aggregates.first)
        #expect(collector.aggregates.count == 1)
        #expect(aggregate.statistics.count == 100)
        #expect(aggregate.statistics.errors == 10)
        #expect(aggregate.statistics.totalMilliseconds == 200)

        clock.advance(by: .seconds(1))
        for _ in 0..<5 { collector.record(Event(name: "tick", durationMilliseconds: 1)) }
        #expect(collector.events.count == 38)
        #expect(collector.events.suffix(5).allSatisfy { $0.attributes["sample_rate"] == nil })
        #expect(collector.aggregates.first?.statistics.count == 105)
    }

    @Test func retentionCapDropsRawEventsButCountsThem() {
        let collector = EventCollector(configuration: .init(maximumRetainedEvents: 3))
        for index in 0..<5 {
            collector.record(Event(name: index < 2 ? "a" : "b", durationMilliseconds: Double(index)))
        }
        #expect(collector.events.count == 3)
        #expect(collector.droppedCount == 2)
        #expect(collector.aggregates.map(\.name) == ["a", "b"])
        #expect(collector.aggregates.map(\.statistics.count) == [2, 3])
        #expect(collector.aggregates.last?.statistics.maxMilliseconds == 4)
        #expect(collector.aggregates.last?.statistics.minMilliseconds == 2)
    }

    @Test func structuredLogLinesAreGrepable() throws {
        let (logger, store) = CapturingLogHandler.makeLogger()
        let collector = EventCollector(
            workerID: "2025-12-15T03-19-12_backup",
            configuration: .init(structuredLogLevel: .info),
            logger: logger
        )
        withEventCollector(collector) {
            recordLLMCall(
                model: "gpt-5-mini",
                phase: "tool_decision",
                start: t0,
                end: t0.adding(milliseconds: 19_500),
                promptTokens: 1234,
                completionTokens: 89
            )
            recordToolCall(
                tool: "ssh_exec",
                start: t0,
                end: t0.adding(milliseconds: 1234.25),
                success: false,
                error: #"exit "255""#
            )
        }
        let entries = store.all
        try #require(entries.count == 2)
        #expect(entries.allSatisfy { $0.level == .info })
        #expect(
            entries[0].message
                == "llm_call_complete phase=tool_decision duration_ms=19500 status=ok worker_id=2025-12-15T03-19-12_backup"
                + " model=gpt-5-mini prompt_tokens=1234 completion_tokens=89 total_tokens=1323"
        )
        #expect(
            entries[1].message
                == #"tool_call_complete tool=ssh_exec duration_ms=1234.3 status=error error="exit \"255\"" worker_id=2025-12-15T03-19-12_backup"#
        )
    }

    @Test func noStructuredLogUnlessConfigured() {
        let (logger, store) = CapturingLogHandler.makeLogger()
        let collector = EventCollector(logger: logger)
        collector.record(Event(name: "x", durationMilliseconds: 1))
        #expect(store.messages.isEmpty)
        #expect(collector.events.count == 1)
    }
}
