package import Foundation
import Vitals

#if canImport(Glibc)
import Glibc
#endif

/// Child processes for tests, with a deadline on every wait: a child still running when its time is up is killed
/// with SIGKILL, which also ends every read of its output, and the wait fails with an error that names the child.
/// No test waits forever on a hung child, and none leaves one running.
///
/// ```swift
/// let output = try await ChildProcess.run(URL(fileURLWithPath: "/bin/echo"), ["hello"], timeLimit: .seconds(30))
/// #expect(output.status == 0 && output.stdout == "hello\n")
/// ```
package enum ChildProcess {
    /// How a child that ran to its end exited, and what it wrote.
    package struct Output: Sendable {
        package var status: Int32
        package var stdout: String
        package var stderr: String
    }

    /// The error of a wait whose time ran out: the child was killed with SIGKILL.
    package struct TimedOut: Error, CustomStringConvertible {
        package var command: String
        package var timeLimit: Duration

        package init(command: String, timeLimit: Duration) {
            self.command = command
            self.timeLimit = timeLimit
        }

        package var description: String {
            "\(command) was still running after \(timeLimit); killed it with SIGKILL"
        }
    }

    /// Runs `executable` to its end on a thread of its own and returns its exit status and output.
    ///
    /// The wait never holds one of the few threads of Swift's concurrency pool (two on a 2-core machine): the
    /// tests running beside it need them, and so does a server in this process that the child may talk to.
    ///
    /// - Parameters:
    ///   - executable: The program.
    ///   - arguments: Its arguments.
    ///   - input: Its standard input; `nil` for none.
    ///   - environment: Its environment; `nil` for the test process's own.
    ///   - timeLimit: How long it may run before it is killed.
    /// - Returns: The exit status (the signal number for a child ended by a signal) and the output.
    /// - Throws: ``TimedOut`` when the child had to be killed; the error of `Process.run()` when it cannot start.
    package static func run(
        _ executable: URL,
        _ arguments: [String],
        input: Data? = nil,
        environment: [String: String]? = nil,
        timeLimit: Duration = .seconds(120)
    ) async throws -> Output {
        try await onThreadOfItsOwn {
            try runBlocking(executable, arguments, input: input, environment: environment, timeLimit: timeLimit)
        }
    }

    /// ``run(_:_:input:environment:timeLimit:)`` on the calling thread, for where no `await` is possible (a
    /// `defer`); it blocks the thread until the child has ended.
    ///
    /// Standard input, output and error are files in a temporary folder, not pipes: a pipe's end leaks into every
    /// child another test starts at the same moment, so waiting for a pipe's end of file could wait for a server
    /// that a third test has not stopped yet — and, with the tests sharing two threads, for ever. A file is read
    /// once the child has exited, whoever else holds it open.
    ///
    /// - Parameters:
    ///   - executable: The program.
    ///   - arguments: Its arguments.
    ///   - input: Its standard input; `nil` for none.
    ///   - environment: Its environment; `nil` for the test process's own.
    ///   - timeLimit: How long it may run before it is killed.
    /// - Returns: The exit status (the signal number for a child ended by a signal) and the output.
    /// - Throws: ``TimedOut`` when the child had to be killed; the error of `Process.run()` when it cannot start.
    package static func runBlocking(
        _ executable: URL,
        _ arguments: [String],
        input: Data? = nil,
        environment: [String: String]? = nil,
        timeLimit: Duration = .seconds(120)
    ) throws -> Output {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vitals-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func file(_ name: String, _ contents: Data) -> URL {
            let url = folder.appendingPathComponent(name)
            FileManager.default.createFile(atPath: url.path, contents: contents)
            return url
        }
        let outURL = file("stdout", Data())
        let errURL = file("stderr", Data())
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        let stdout = try FileHandle(forWritingTo: outURL)
        let stderr = try FileHandle(forWritingTo: errURL)
        let stdin = try input.map { try FileHandle(forReadingFrom: file("stdin", $0)) }
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin ?? FileHandle.nullDevice
        defer {
            try? stdout.close()
            try? stderr.close()
            try? stdin?.close()
        }
        try process.run()
        let deadline = KillDeadline(process, after: timeLimit)
        defer { deadline.disarm() }
        var status = exitStatus(of: process)
        while status == nil {
            usleep(5_000)
            status = exitStatus(of: process)
        }
        if deadline.fired { throw TimedOut(command: describe(process), timeLimit: timeLimit) }
        return Output(
            status: status ?? process.terminationStatus,
            stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
            stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
        )
    }

    /// A pipe whose two ends are closed in every child started later except where one is made its standard
    /// input or output: without this, each child another test starts inherits the ends, and a read waiting for
    /// the end of file waits for that child too.
    package static func pipe() -> Pipe {
        let pipe = Pipe()
        for descriptor in [pipe.fileHandleForReading.fileDescriptor, pipe.fileHandleForWriting.fileDescriptor] {
            _ = fcntl(descriptor, F_SETFD, fcntl(descriptor, F_GETFD) | FD_CLOEXEC)
        }
        return pipe
    }

    /// Waits for a started `process` to exit and returns its exit status (the signal number if a signal ended it).
    ///
    /// When `timeLimit` passes first, or the waiting task is cancelled, the child is killed with SIGKILL.
    ///
    /// - Throws: ``TimedOut`` after `timeLimit`; `CancellationError` when the task was cancelled.
    package static func waitForExit(_ process: Process, timeLimit: Duration) async throws -> Int32 {
        let clock = ContinuousClock()
        let end = clock.now + timeLimit
        while exitStatus(of: process) == nil {
            if clock.now >= end {
                killAndReap(process)
                throw TimedOut(command: describe(process), timeLimit: timeLimit)
            }
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                killAndReap(process)
                throw error
            }
        }
        return exitStatus(of: process) ?? process.terminationStatus
    }

    /// Kills `process` with SIGKILL if it is still running, and waits for it to be gone.
    package static func killAndReap(_ process: Process) {
        guard exitStatus(of: process) == nil else { return }
        kill(process.processIdentifier, SIGKILL)
        while exitStatus(of: process) == nil { usleep(5_000) }
    }

    /// The exit status of a started `process` once it has ended (the signal number when a signal ended it), `nil`
    /// while it runs.
    ///
    /// Foundation learns that a child ended from SIGCHLD, which the kernel hands to any thread of the process that
    /// does not block it; a thread that does not block it discards it (its default action is to ignore), and
    /// Foundation then never reaps the child: it stays a zombie and `isRunning` stays true for ever. This happened
    /// to a test that ran alone, with no other child ending to make Foundation look again. So a child found a
    /// zombie here is given a moment, then reaped by this function itself.
    package static func exitStatus(of process: Process) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        let pid = process.processIdentifier
        let key = "\(pid) \(ObjectIdentifier(process))"
        if let status = reaped.withLock({ $0[key] }) { return status }
        guard isZombie(pid) else { return nil }
        usleep(20_000)
        guard process.isRunning else { return process.terminationStatus }
        var wait: Int32 = 0
        guard waitpid(pid, &wait, WNOHANG) == pid else { return process.isRunning ? nil : process.terminationStatus }
        let status = wait & 0x7f == 0 ? (wait >> 8) & 0xff : wait & 0x7f
        reaped.withLock { $0[key] = status }
        return status
    }

    /// The statuses of the children reaped by ``exitStatus(of:)`` (Foundation never learns them), by process id and object;
    /// a few bytes per child that Foundation missed, for the life of the test process.
    private static let reaped = LockedValue([String: Int32]())

    /// Whether `pid` has exited and waits to be reaped (state `Z` in `/proc/PID/stat`).
    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return false }
        return stat[end...].dropFirst().drop { $0 == " " }.first == "Z"
    }

    /// The program's name and arguments, for messages.
    static func describe(_ process: Process) -> String {
        ([process.executableURL?.lastPathComponent ?? "child"] + (process.arguments ?? [])).joined(separator: " ")
    }

}

/// Runs `body`, which blocks (it waits on a child, a pipe or a lock), on a new thread, and returns its result.
///
/// Swift's concurrency pool has one thread per core: two on the CI machine. A test that blocks one of them stalls
/// every other test and every in-process server of this process for as long as it blocks.
///
/// ```swift
/// let line = try await onThreadOfItsOwn { try readLine(from: handle) }
/// ```
package func onThreadOfItsOwn<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}

/// Kills a child with SIGKILL when a deadline passes, unless it was disarmed (or the child had exited) before.
///
/// Used around blocking reads of a child's output: the kill closes the child's end of its pipes, so the reads return.
///
/// ```swift
/// let deadline = KillDeadline(process, after: .seconds(60))
/// let line = readFirstLine(of: process)  // returns at the latest when the deadline kills the child
/// deadline.disarm()
/// if deadline.fired { throw ChildProcess.TimedOut(command: "vitals serve", timeLimit: .seconds(60)) }
/// ```
package final class KillDeadline: Sendable {
    private let state = LockedValue((disarmed: false, fired: false))

    /// Arms a deadline `timeLimit` from now for the started `process`.
    package init(_ process: Process, after timeLimit: Duration) {
        let (seconds, attoseconds) = timeLimit.components
        let nanoseconds = Int(clamping: seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { [self] in
            // Decided under the lock, so that a kill never follows a `disarm()` that has returned.
            self.state.withLock { state in
                guard !state.disarmed, process.isRunning else { return }
                kill(process.processIdentifier, SIGKILL)
                state.fired = true
            }
        }
    }

    /// Whether the deadline passed and killed the child.
    package var fired: Bool { state.withLock { $0.fired } }

    /// Stops the deadline; the child is not killed after this returns.
    package func disarm() { state.withLock { $0.disarmed = true } }
}
