import Foundation
import Testing
import VitalsTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The deadlines that keep the live-binary suites from hanging: a hung child is killed and the wait fails.
@Suite("Child processes with a deadline", .timeLimit(.minutes(2)))
struct ChildProcessTests {
    static let sleep = URL(fileURLWithPath: "/bin/sleep")

    static func started(_ executable: URL, _ arguments: [String], output: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let output { process.standardOutput = output }
        try process.run()
        return process
    }

    @Test("run: a child that outlives its time limit is killed and the call throws, naming it")
    func runKillsAHungChild() async throws {
        let error = await #expect(throws: ChildProcess.TimedOut.self) {
            try await ChildProcess.run(Self.sleep, ["1000"], timeLimit: .milliseconds(300))
        }
        #expect(error?.description == "sleep 1000 was still running after 0.3 seconds; killed it with SIGKILL")
    }

    @Test("run: input, standard output and standard error larger than a pipe's buffer, all at once")
    func runMovesLargeOutputs() async throws {
        let input = String((0..<1_000_000).map { Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8($0 % 26))) })
        let echoed = try await ChildProcess.run(URL(fileURLWithPath: "/bin/cat"), [], input: Data(input.utf8))
        #expect(echoed.status == 0)
        #expect(echoed.stdout == input)
        let script = "head -c 300000 /dev/zero | tr '\\0' e >&2; head -c 300000 /dev/zero | tr '\\0' o; exit 3"
        let both = try await ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), ["-c", script])
        #expect(both.status == 3)
        #expect(both.stdout.count == 300_000 && both.stdout.allSatisfy { $0 == "o" })
        #expect(both.stderr.count == 300_000 && both.stderr.allSatisfy { $0 == "e" })
    }

    @Test("waitForExit: a child still running at the time limit is killed with SIGKILL")
    func waitKillsAHungChild() async throws {
        let process = try Self.started(Self.sleep, ["1000"])
        await #expect(throws: ChildProcess.TimedOut.self) {
            _ = try await ChildProcess.waitForExit(process, timeLimit: .milliseconds(300))
        }
        #expect(ChildProcess.exitStatus(of: process) == SIGKILL)
    }

    @Test("waitForExit: cancelling the waiting task kills the child")
    func cancelledWaitKillsTheChild() async throws {
        let process = try Self.started(Self.sleep, ["1000"])
        let wait = Task { try await ChildProcess.waitForExit(process, timeLimit: .seconds(600)) }
        wait.cancel()
        await #expect(throws: CancellationError.self) { _ = try await wait.value }
        #expect(ChildProcess.exitStatus(of: process) == SIGKILL)
    }

    @Test("waitForExit: a child that exits in time gives its exit status")
    func waitReturnsTheStatus() async throws {
        let process = try Self.started(URL(fileURLWithPath: "/bin/sh"), ["-c", "exit 7"])
        #expect(try await ChildProcess.waitForExit(process, timeLimit: .seconds(60)) == 7)
    }

    @Test("KillDeadline: a blocking read of a hung child's output returns once the deadline kills it")
    func deadlineEndsABlockedRead() throws {
        let output = ChildProcess.pipe()
        let process = try Self.started(Self.sleep, ["1000"], output: output)
        let deadline = KillDeadline(process, after: .milliseconds(300))
        #expect(output.fileHandleForReading.readDataToEndOfFile().isEmpty)
        process.waitUntilExit()
        #expect(deadline.fired)
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
    }

    @Test("KillDeadline: once disarmed, it leaves the child alone")
    func disarmedDeadlineDoesNotKill() throws {
        let process = try Self.started(Self.sleep, ["1"])
        let deadline = KillDeadline(process, after: .milliseconds(100))
        deadline.disarm()
        process.waitUntilExit()
        #expect(!deadline.fired)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }
}
