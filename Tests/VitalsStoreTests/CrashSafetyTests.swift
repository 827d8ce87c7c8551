import Foundation
import Synchronization
import Testing
import Vitals
import VitalsSQLite
import VitalsStore
import VitalsTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Crash safety: a child process ingests batches and is killed with SIGKILL at random points. After reopening,
/// every batch whose ingest call had returned is fully present, and no batch is half-present. The child keeps
/// event buckets pending in memory for up to a second, so the buckets the reopened store reads were mostly
/// rebuilt from the raw events: they must agree with them in every figure.
@Suite("Crash safety", .timeLimit(.minutes(10)))
struct CrashSafetyTests {
    static let batchSize = 200
    static let batchesPerRound = 400

    @Test("SIGKILL at random points loses no acknowledged batch and leaves no half batch")
    func killedChild() async throws {
        let probe = try Self.probePath()
        let directory = try TemporaryDirectory()
        let path = directory.path + "/crash.db"
        var random = SeededGenerator(seed: 20_260_105)
        var acknowledged = Set<Int>()
        for round in 0..<5 {
            let firstBatch = round * Self.batchesPerRound
            let killAfterAcks = Int.random(in: 1...60, using: &random)
            let extraDelay = UInt32.random(in: 0...20_000, using: &random)
            let acks = try await Self.runAndKill(
                probe,
                arguments: [path, "\(firstBatch)", "\(Self.batchesPerRound)", "\(Self.batchSize)"],
                afterAcks: killAfterAcks,
                extraMicroseconds: extraDelay
            )
            #expect(acks.count >= killAfterAcks, "round \(round)")
            acknowledged.formUnion(acks)
            try await Self.check(path: path, acknowledged: acknowledged, round: round)
        }
    }

    /// Every acknowledged batch complete, every batch present complete, buckets agreeing with raw events (count,
    /// failures, duration sum and extremes, token sums).
    static func check(path: String, acknowledged: Set<Int>, round: Int) async throws {
        let store = try await SQLiteStore.open(path: path)
        let range = TimeRange(from: Timestamp(nanosecondsSinceEpoch: 0), to: Timestamp(nanosecondsSinceEpoch: .max))
        var perBatch: [Int: Int] = [:]
        var after: StoredEvent.Cursor?
        var total = 0
        var raw = EventStatistics()
        while true {
            let page = try await store.events(
                EventQuery(name: "probe", range: range, order: .oldestFirst, limit: 20_000, after: after)
            )
            for stored in page {
                if case .int(let batch) = stored.event.attributes["batch"] { perBatch[Int(batch), default: 0] += 1 }
                raw.add(durationMilliseconds: stored.event.durationMilliseconds, status: stored.event.status)
                if case .int(let tokens) = stored.event.attributes["prompt_tokens"] {
                    raw.addToSum("prompt_tokens", Double(tokens))
                }
            }
            total += page.count
            guard page.count == 20_000, let last = page.last else { break }
            after = last.cursor
        }
        for batch in acknowledged {
            #expect(
                perBatch[batch] == batchSize,
                "round \(round): acknowledged batch \(batch) has \(perBatch[batch] ?? 0) events"
            )
        }
        for (batch, count) in perBatch where count != batchSize {
            Issue.record("round \(round): batch \(batch) is half-present with \(count) of \(batchSize) events")
        }
        let stats = try await store.eventStats(
            StatsQuery(
                name: "probe",
                range: TimeRange(
                    from: Timestamp(nanosecondsSinceEpoch: 1_767_571_200_000_000_000),
                    to: Timestamp(nanosecondsSinceEpoch: 1_767_571_200_000_000_000 + 3 * 3_600_000_000_000)
                )
            )
        )
        var buckets = EventStatistics()
        for group in stats { buckets.merge(group.statistics) }
        #expect(Int(buckets.count) == total, "round \(round): buckets disagree with raw events")
        #expect(buckets.errors == raw.errors, "round \(round): failures")
        #expect(buckets.durations.sum == raw.durations.sum, "round \(round): duration sum")
        #expect(buckets.durations.min == raw.durations.min && buckets.durations.max == raw.durations.max)
        #expect(buckets.attributeSums["prompt_tokens"] == raw.attributeSums["prompt_tokens"], "round \(round)")
        try await store.close()
    }

    /// Starts the probe, reads its `ack N` lines, kills it with SIGKILL after `afterAcks` acknowledgements plus a
    /// short delay, and returns the batches it acknowledged before dying. A probe that stops acknowledging is killed
    /// after two minutes and the round fails.
    static func runAndKill(
        _ probe: String,
        arguments: [String],
        afterAcks: Int,
        extraMicroseconds: UInt32
    ) async throws -> Set<Int> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: probe)
        process.arguments = arguments
        let output = ChildProcess.pipe()
        process.standardOutput = output
        try process.run()
        let pid = process.processIdentifier
        let deadline = KillDeadline(process, after: .seconds(120))
        defer { deadline.disarm() }
        let acks = try await onThreadOfItsOwn { () throws -> Set<Int> in
            var buffer = [UInt8]()
            var acks = Set<Int>()
            var killed = false
            let handle = output.fileHandleForReading
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                buffer.append(contentsOf: data)
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[..<newline], as: UTF8.self)
                    buffer.removeSubrange(...newline)
                    if line.hasPrefix("ack "), let number = Int(line.dropFirst(4)) { acks.insert(number) }
                }
                if !killed, acks.count >= afterAcks {
                    usleep(extraMicroseconds)
                    kill(pid, SIGKILL)
                    killed = true
                }
            }
            return acks
        }
        _ = try await ChildProcess.waitForExit(process, timeLimit: .seconds(120))
        if deadline.fired { throw ChildProcess.TimedOut(command: "VitalsStoreCrashProbe", timeLimit: .seconds(120)) }
        return acks
    }

    /// The probe executable, built next to the test bundle by `swift build --build-tests`.
    static func probePath() throws -> String {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("VitalsStoreCrashProbe").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw StoreError(
            code: .invalidLocation,
            message: "VitalsStoreCrashProbe not found next to \(executable.path); build with swift build --build-tests"
        )
    }
}
