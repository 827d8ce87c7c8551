import Foundation

/// Runs a command to completion and reports its wall time and peak resident memory.
///
/// Peak memory comes from GNU time (`/usr/bin/time -f %M`), not from our own `wait4`: glibc's `posix_spawn`
/// shares this process's memory until `exec`, and Linux carries that high-water mark into the child's
/// `ru_maxrss`, which would report this benchmark's own size for every command. GNU time forks from a tiny
/// process, so the figure is the command's own.
enum ChildProcess {
    struct Outcome {
        var seconds: Double
        var peakResidentKilobytes: Int
        var status: Int32
    }

    static let timeCommand = "/usr/bin/time"

    /// Runs `arguments` (the first is looked up on PATH) with standard output and error discarded.
    static func run(_ arguments: [String]) -> Outcome? {
        guard FileManager.default.isExecutableFile(atPath: timeCommand) else {
            print("benchmarks: \(timeCommand) is missing (apt-get install time)")
            return nil
        }
        let report = NSTemporaryDirectory() + "vitals-bench-time-\(getpid()).txt"
        defer { try? FileManager.default.removeItem(atPath: report) }
        // Spawned and awaited directly: Foundation's `Process.waitUntilExit` notices the exit only at its next
        // poll, which added up to 50 ms to every run and doubled the time of `wc -l`.
        let argv = [timeCommand, "-f", "%M", "-o", report] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawnp(&pid, timeCommand, &actions, nil, &cArguments, environ) == 0 else { return nil }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return nil }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        let kilobytes = text.split(whereSeparator: \.isNewline).last.flatMap { Int($0) } ?? 0
        // The exit status, or 128 + the signal that ended the command.
        let exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Outcome(seconds: seconds, peakResidentKilobytes: kilobytes, status: exitStatus)
    }

    /// The best (shortest) of `repeats` runs, with the largest peak memory seen; `nil` if any run failed.
    static func best(of repeats: Int, _ arguments: [String]) -> Outcome? {
        var best: Outcome?
        var peak = 0
        for _ in 0..<repeats {
            guard let outcome = run(arguments), outcome.status == 0 else { return nil }
            peak = max(peak, outcome.peakResidentKilobytes)
            if best == nil || outcome.seconds < best!.seconds { best = outcome }
        }
        best?.peakResidentKilobytes = peak
        return best
    }
}
