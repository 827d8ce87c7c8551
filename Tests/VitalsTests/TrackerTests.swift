import Testing
import Vitals

/// An error with a value, to check that `measure` rethrows exactly what the body threw.
private struct ToolFailure: Error, Equatable {
    var code: Int
}

/// An error with an identity, to check that the very same instance comes back.
private final class ConnectionLost: Error, Sendable {}

@Suite struct TrackerTests {
    @Test func concurrentRecordingThroughHandlesAndNamesIsExact() async {
        let tracker = PerformanceTracker()
        let handle = tracker.handle("llm_call")
        let tasks = 8
        let perTask = 10_000
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for i in 0..<perTask {
                        let nanoseconds = UInt64(1_000 + (task * perTask + i) % 997)
                        let failed = i % 10 == 0
                        if task.isMultiple(of: 2) {
                            handle.record(nanoseconds: nanoseconds, failed: failed)
                        } else {
                            tracker.record("llm_call", nanoseconds: nanoseconds, failed: failed)
                        }
                        tracker.record("tool_call", labels: ["tool": "ssh_exec"], nanoseconds: 2_000_000)
                    }
                }
            }
        }
        var expectedNanoseconds: UInt64 = 0
        for task in 0..<tasks {
            for i in 0..<perTask { expectedNanoseconds += UInt64(1_000 + (task * perTask + i) % 997) }
        }
        let llm = try! #require(tracker.stats("llm_call"))
        #expect(llm.count == tasks * perTask)
        #expect(llm.errors == tasks * perTask / 10)
        #expect(llm.totalMilliseconds == Double(expectedNanoseconds) * 1e-6)
        #expect(llm.minMilliseconds == 1_000 * 1e-6)
        #expect(llm.maxMilliseconds == 1_996 * 1e-6)
        #expect(llm.statistics.durations.count == UInt64(tasks * perTask))
        let tool = try! #require(tracker.stats("tool_call", labels: ["tool": "ssh_exec"]))
        #expect(tool.count == tasks * perTask)
        #expect(tool.errors == 0)
        #expect(tool.totalMilliseconds == Double(UInt64(tasks * perTask) * 2_000_000) * 1e-6)
    }

    @Test func concurrentMeasuringCountsEveryCall() async {
        let tracker = PerformanceTracker()
        let handle = tracker.handle("route_query")
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for _ in 0..<10_000 {
                        if task.isMultiple(of: 2) {
                            handle.measure {}
                        } else {
                            tracker.measure("route_query") {}
                        }
                    }
                }
            }
        }
        #expect(tracker.stats("route_query")?.count == 80_000)
        #expect(tracker.stats("route_query")?.errors == 0)
    }

    @Test func manyOperationsCreatedConcurrentlyStayDistinct() async {
        let tracker = PerformanceTracker()
        let names = (0..<500).map { "operation_\($0)" }
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    for (position, name) in names.enumerated() {
                        tracker.record(name, nanoseconds: UInt64(position + 1))
                        tracker.record(name, labels: ["task": "\(task)"], nanoseconds: 5)
                    }
                }
            }
        }
        let snapshot = tracker.snapshot()
        #expect(snapshot.count == names.count * 5)
        for (position, name) in names.enumerated() {
            let stats = tracker.stats(name)
            #expect(stats?.count == 4)
            #expect(stats?.totalMilliseconds == Double(4 * (position + 1)) * 1e-6)
            #expect(tracker.stats(name, labels: ["task": "3"])?.count == 1)
        }
    }

    @Test func thrownErrorsAreCountedAndRethrownUnchanged() throws {
        let tracker = PerformanceTracker()
        #expect(throws: ToolFailure(code: 42)) {
            try tracker.measure("tool_call") { () throws(ToolFailure) in throw ToolFailure(code: 42) }
        }
        let handle = tracker.handle("tool_call")
        do {
            try handle.measure { () throws(ToolFailure) in throw ToolFailure(code: 7) }
            Issue.record("measure did not rethrow")
        } catch {
            // Typed throws: `error` is statically a ToolFailure.
            #expect(error.code == 7)
        }
        let lost = ConnectionLost()
        do {
            try tracker.measure("tool_call", labels: ["tool": "ssh_exec"]) { throw lost }
        } catch let caught as ConnectionLost {
            #expect(caught === lost)
        }
        let value = tracker.measure("tool_call") { 3 }
        #expect(value == 3)
        let stats = try #require(tracker.stats("tool_call"))
        #expect(stats.count == 3)
        #expect(stats.errors == 2)
        #expect(tracker.stats("tool_call", labels: ["tool": "ssh_exec"])?.errors == 1)
    }

    @Test func asyncMeasureRecordsSuspensionsAndFailures() async throws {
        let tracker = PerformanceTracker()
        let reply = try await tracker.measure("llm_call") {
            try await Task.sleep(for: .milliseconds(2))
            return "reply"
        }
        #expect(reply == "reply")
        await #expect(throws: ToolFailure(code: 1)) {
            try await tracker.measure("llm_call", labels: ["model": "glm-4.6"]) { () async throws(ToolFailure) in
                await Task.yield()
                throw ToolFailure(code: 1)
            }
        }
        let handle = tracker.handle("llm_call")
        let tokens = await handle.measure { () async in
            await Task.yield()
            return 1_323
        }
        #expect(tokens == 1_323)
        let stats = try #require(tracker.stats("llm_call"))
        #expect(stats.count == 2)
        #expect(stats.errors == 0)
        #expect(stats.maxMilliseconds >= 2)  // the sleep is inside the measured time
        #expect(tracker.stats("llm_call", labels: ["model": "glm-4.6"])?.errors == 1)
    }

    @Test func syncMeasureInsideAsyncCodeNeedsNoAwait() async {
        let tracker = PerformanceTracker()
        let sum = tracker.measure("sum") { (1...10).reduce(0, +) }
        #expect(sum == 55)
        #expect(tracker.stats("sum")?.count == 1)
    }

    @Test func labelsMakeSeparateSeriesSortedByNameThenLabels() {
        let tracker = PerformanceTracker()
        tracker.record("llm_call", labels: ["model": "gpt-5-mini"], nanoseconds: 1_000_000)
        tracker.record("llm_call", labels: ["model": "glm-4.6"], nanoseconds: 2_000_000)
        tracker.record("llm_call", labels: ["model": "glm-4.6"], nanoseconds: 4_000_000)
        tracker.record("llm_call", nanoseconds: 8_000_000)
        tracker.record("embed", nanoseconds: 16_000_000)
        tracker.record("llm_call", labels: ["model": "glm-4.6", "phase": "initial"], nanoseconds: 1)
        let snapshot = tracker.snapshot()
        #expect(snapshot.map(\.name) == ["embed", "llm_call", "llm_call", "llm_call", "llm_call"])
        #expect(
            snapshot.map(\.labels) == [
                [:], [:], ["model": "glm-4.6"], ["model": "glm-4.6", "phase": "initial"], ["model": "gpt-5-mini"],
            ]
        )
        #expect(tracker.stats("llm_call", labels: ["model": "glm-4.6"])?.count == 2)
        #expect(tracker.stats("llm_call", labels: ["model": "glm-4.6"])?.totalMilliseconds == 6)
        #expect(tracker.stats("llm_call")?.totalMilliseconds == 8)
        #expect(tracker.stats("llm_call", labels: ["model": "claude"]) == nil)
        #expect(tracker.stats("llm") == nil)
        #expect(tracker.totalMilliseconds == Double(31_000_001) * 1e-6)
    }

    @Test func quantilesOfFixedValuesAreWithinOnePercent() throws {
        let tracker = PerformanceTracker()
        let handle = tracker.handle("tool_call")
        // 1 ms ... 1000 ms, shuffled so that order does not matter.
        var values = Array(1...1_000)
        values.shuffle()
        for value in values { handle.record(nanoseconds: UInt64(value) * 1_000_000) }
        let stats = try #require(tracker.stats("tool_call"))
        #expect(stats.count == 1_000)
        #expect(stats.minMilliseconds == 1)
        #expect(stats.maxMilliseconds == 1_000)
        #expect(stats.meanMilliseconds == 500.5)
        for (q, exact) in [(0.5, 500.0), (0.9, 900.0), (0.95, 950.0), (0.99, 990.0), (0.999, 999.0)] {
            let estimate = stats.quantile(q)
            #expect(abs(estimate - exact) / exact <= 0.01, "q=\(q): \(estimate) vs \(exact)")
        }
        #expect(abs(stats.p50 - 500) <= 5)
        #expect(abs(stats.p95 - 950) <= 9.5)
        #expect(abs(stats.p99 - 990) <= 9.9)
        #expect(stats.quantile(0) == 1)
        #expect(stats.quantile(1) == 1_000)
    }

    @Test func zeroAndHugeDurationsAreRecorded() throws {
        let tracker = PerformanceTracker()
        tracker.record("instant", nanoseconds: 0)
        tracker.record("instant", nanoseconds: 0, failed: true)
        tracker.record("instant", nanoseconds: UInt64.max)
        let stats = try #require(tracker.stats("instant"))
        #expect(stats.count == 3)
        #expect(stats.errors == 1)
        #expect(stats.minMilliseconds == 0)
        #expect(stats.maxMilliseconds == Double(UInt64.max) * 1e-6)
        #expect(stats.p50 == 0)
    }

    @Test func resetForgetsMeasurementsButKeepsHandles() throws {
        let tracker = PerformanceTracker()
        let handle = tracker.handle("llm_call")
        handle.record(nanoseconds: 5_000_000, failed: true)
        tracker.record("tool_call", nanoseconds: 1_000_000)
        #expect(tracker.snapshot().count == 2)
        tracker.reset()
        #expect(tracker.snapshot().isEmpty)
        #expect(tracker.stats("llm_call") == nil)
        #expect(tracker.totalMilliseconds == 0)
        #expect(tracker.summary() == "")
        handle.record(nanoseconds: 3_000_000)
        let stats = try #require(tracker.stats("llm_call"))
        #expect(stats.count == 1)
        #expect(stats.errors == 0)
        #expect(stats.minMilliseconds == 3)
        #expect(stats.maxMilliseconds == 3)
        #expect(tracker.snapshot().map(\.name) == ["llm_call"])
    }

    @Test func namesAndLabelsCompareByTheirBytes() {
        let tracker = PerformanceTracker()
        let composed = "caf\u{E9}"
        let decomposed = "cafe\u{301}"
        tracker.record(composed, nanoseconds: 1)
        tracker.record(decomposed, nanoseconds: 1)
        tracker.record("tool_call", labels: ["tool": composed], nanoseconds: 1)
        tracker.record("tool_call", labels: ["tool": decomposed], nanoseconds: 1)
        #expect(tracker.snapshot().count == 4)
        #expect(tracker.stats(composed)?.count == 1)
        #expect(tracker.stats("tool_call", labels: ["tool": decomposed])?.count == 1)
    }

    @Test func handleWithoutMeasurementsHasNoStats() {
        let tracker = PerformanceTracker()
        let handle = tracker.handle("idle", labels: ["tier": "1"])
        #expect(handle.name == "idle")
        #expect(handle.labels == ["tier": "1"])
        #expect(tracker.stats("idle", labels: ["tier": "1"]) == nil)
        #expect(tracker.snapshot().isEmpty)
    }

    @Test func summaryPrintsEveryOperationLikeThePythonTracker() {
        let tracker = PerformanceTracker()
        tracker.record("llm_call", nanoseconds: 234_200_000)
        tracker.record("llm_call", nanoseconds: 289_300_000)
        tracker.record("llm_call", labels: ["model": "gpt-5-mini", "phase": "initial"], nanoseconds: 42_000)
        tracker.record("embed", nanoseconds: 12_000_000, failed: true)
        let summary = tracker.summary()
        let lines = summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            lines.filter { $0.hasPrefix("Operation:") } == [
                "Operation: embed", "Operation: llm_call", "Operation: llm_call {model=gpt-5-mini, phase=initial}",
            ]
        )
        let llm = lines.firstIndex(of: "Operation: llm_call")!
        #expect(
            Array(lines[(llm + 1)...(llm + 5)]) == [
                "  Count: 2", "  Total: 523.5ms", "  Avg: 261.8ms", "  Min: 234.2ms", "  Max: 289.3ms",
            ]
        )
        #expect(lines[llm + 6].hasPrefix("  p50: 23") && lines[llm + 6].contains("ms  p95: 289.3ms  p99: 289.3ms"))
        #expect(lines[llm + 7] == "  Errors: 0")
        #expect(lines[1...2] == ["  Count: 1", "  Total: 12.0ms"])
        #expect(lines[7] == "  Errors: 1")
        #expect(summary.contains("  Total: 0.042ms"))
        #expect(lines.count == 3 * 8)
    }

    @Test func recordingOverheadIsMeasuredWithoutTouchingOperations() {
        let tracker = PerformanceTracker()
        let overhead = tracker.recordingOverhead(iterations: 10_000)
        #expect(overhead > 0 && overhead.isFinite)
        #expect(tracker.snapshot().isEmpty)
    }
}
