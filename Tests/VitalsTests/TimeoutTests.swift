import Testing
import Vitals

private struct ProviderFailure: Error, Equatable {
    var status: Int
}

/// A one-shot signal a test can await: set by the operation under test, awaited by the test.
private final class Signal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self)
    }

    func fire() { continuation.yield() }

    func wait() async {
        for await _ in stream { return }
    }
}

/// A wait that ignores cancellation entirely, like a blocking client library; released by the test.
private final class Gate: Sendable {
    private let waiter = LockedValue<CheckedContinuation<Void, Never>?>(nil)
    private let opened = LockedValue(false)

    func wait() async {
        await withCheckedContinuation { continuation in
            let openAlready = opened.withLock { opened in
                if opened { return true }
                waiter.withLock { $0 = continuation }
                return false
            }
            if openAlready { continuation.resume() }
        }
    }

    func open() {
        let continuation = opened.withLock { opened in
            opened = true
            return waiter.withLock { waiter in
                defer { waiter = nil }
                return waiter
            }
        }
        continuation?.resume()
    }
}

@Suite struct TimeoutTests {
    @Test func slowOperationIsCancelledAndRecordedAsTimeout() async throws {
        let collector = EventCollector(workerID: "w-1")
        let sawCancellation = Signal()
        let error = await withEventCollector(collector) { () async -> TimeoutError? in
            do {
                _ = try await withTimeout(.milliseconds(50), name: "llm_call", provider: "glm") {
                    do {
                        try await Task.sleep(for: .seconds(60))
                    } catch {
                        sawCancellation.fire()
                        throw error
                    }
                    return "late"
                }
                return nil
            } catch {
                return error as? TimeoutError
            }
        }
        let timeout = try #require(error)
        #expect(timeout == TimeoutError(name: "llm_call", provider: "glm", limit: .milliseconds(50)))
        #expect(timeout.description == "llm_call (provider glm) timed out after 50ms")
        await sawCancellation.wait()

        let events = collector.events
        try #require(events.count == 1)
        #expect(events[0].name == "llm_call")
        #expect(events[0].status == .timeout)
        #expect(events[0].error == timeout.description)
        #expect(events[0].attributes["provider"] == .string("glm"))
        #expect(events[0].attributes["timeout_ms"] == .double(50))
        #expect(events[0].labels["worker_id"] == "w-1")
    }

    // If withTimeout waited for the operation this would hang; the time limit turns that into a failure.
    @Test(.timeLimit(.minutes(1))) func returnsAtTheDeadlineEvenWhenTheOperationIgnoresCancellation() async throws {
        let gate = Gate()
        let finished = Signal()
        await #expect(throws: TimeoutError.self) {
            try await withTimeout(.milliseconds(30)) {
                await gate.wait()
                finished.fire()
                return 1
            }
        }
        // The abandoned operation is still running; let it end so the test leaves nothing behind.
        gate.open()
        await finished.wait()
    }

    @Test func fastOperationReturnsItsValueAndRecordsNothingExtra() async throws {
        let collector = EventCollector()
        let value = try await withEventCollector(collector) {
            try await withTimeout(.seconds(30), name: "tool_call") {
                await Task.yield()
                return 42
            }
        }
        #expect(value == 42)
        #expect(collector.events.isEmpty)
    }

    @Test func operationErrorsPassThroughUnchanged() async {
        let collector = EventCollector()
        await withEventCollector(collector) {
            await #expect(throws: ProviderFailure(status: 503)) {
                try await withTimeout(.seconds(30)) { () async throws -> Int in
                    throw ProviderFailure(status: 503)
                }
            }
        }
        #expect(collector.events.isEmpty)
    }

    @Test func eventsRecordedInsideTheOperationReachTheCallersCollector() async throws {
        let collector = EventCollector()
        _ = try await withEventCollector(collector) {
            try await withTimeout(.seconds(30)) {
                await measureToolCall(tool: "ssh_exec") { await Task.yield() }
            }
        }
        #expect(collector.events.map(\.name) == ["tool_call"])
    }

    @Test(.timeLimit(.minutes(1))) func cancellingTheCallerCancelsAtOnce() async {
        let gate = Gate()
        let task = Task {
            try await withTimeout(.seconds(60)) {
                await gate.wait()
                return 1
            }
        }
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        gate.open()
    }

    @Test func policyPicksTheProvidersLimit() async throws {
        let policy = TimeoutPolicy(default: .seconds(60), providers: ["GLM": .seconds(30), "kimi": .milliseconds(20)])
        #expect(policy.limit(for: "glm") == .seconds(30))
        #expect(policy.limit(for: "Kimi") == .milliseconds(20))
        #expect(policy.limit(for: "openai") == .seconds(60))
        #expect(policy.limit(for: nil) == .seconds(60))
        var edited = policy
        edited["openai"] = .seconds(10)
        edited["glm"] = nil
        #expect(edited.limit(for: "openai") == .seconds(10))
        #expect(edited.limit(for: "glm") == .seconds(60))

        let collector = EventCollector()
        let error = await withEventCollector(collector) { () async -> (any Error)? in
            do {
                _ = try await withTimeout(policy: policy, provider: "kimi", name: "llm_call") {
                    try await Task.sleep(for: .seconds(60))
                }
                return nil
            } catch {
                return error
            }
        }
        let timeout = try #require(error as? TimeoutError)
        #expect(timeout.limit == .milliseconds(20))
        #expect(timeout.provider == "kimi")
        #expect(collector.events.first?.attributes["provider"] == .string("kimi"))

        let fast = try await withTimeout(policy: policy, provider: "glm") { "ok" }
        #expect(fast == "ok")
    }

    @Test func measuredCallsThatTimeOutAreRecordedWithTimeoutStatus() async {
        let collector = EventCollector()
        await withEventCollector(collector) {
            await #expect(throws: TimeoutError.self) {
                try await measureToolCall(tool: "http_request") {
                    try await withTimeout(.milliseconds(20), name: "http") {
                        try await Task.sleep(for: .seconds(60))
                    }
                }
            }
        }
        let statuses = collector.events.map { "\($0.name):\($0.status)" }
        #expect(statuses == ["http:timeout", "tool_call:timeout"])
    }
}

@Suite struct TimeoutPolicyEnvironmentTests {
    @Test func readsTheOriginalSessionTimeoutVariables() throws {
        var policy = TimeoutPolicy(default: .seconds(60), providers: ["openai": .seconds(45)])
        try policy.apply(environment: [
            "GLM_SESSION_TIMEOUT": "30",
            "KIMI_SESSION_TIMEOUT": " 25.5 ",
            "HOME": "/root",
            "_SESSION_TIMEOUT": "1",
        ])
        #expect(policy.limit(for: "glm") == .seconds(30))
        #expect(policy.limit(for: "kimi") == .milliseconds(25_500))
        #expect(policy.limit(for: "openai") == .seconds(45))
        #expect(policy.providerLimits.count == 3)
    }

    @Test(arguments: ["thirty", "0", "-5", "", "inf"])
    func rejectsValuesThatAreNotPositiveSeconds(value: String) {
        var policy = TimeoutPolicy(default: .seconds(60))
        let error = #expect(throws: TimeoutPolicyError.self) {
            try policy.apply(environment: ["GLM_SESSION_TIMEOUT": value])
        }
        #expect(error?.variable == "GLM_SESSION_TIMEOUT")
        #expect(error?.code == .invalidValue)
        #expect(error?.description == "GLM_SESSION_TIMEOUT: expected a number of seconds > 0, found \"\(value)\"")
        #expect(policy.limit(for: "glm") == .seconds(60))
    }
}
