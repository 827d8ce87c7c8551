import Foundation
import Testing
import VitalsRules

#if canImport(Glibc)
import Glibc
#endif

/// Rule files are read within a size limit, without reading (or waiting for) more than that.
@Suite("Rule file size limit", .timeLimit(.minutes(1)))
struct RuleFileLimitTests {
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vitals-rules-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    @Test("a file over 4 MiB is refused by its size, naming the file and the limit, before it is read")
    func largeFile() throws {
        let path = folder + "/huge.yml"
        // Sparse: 1 GiB of size on no disk; reading it whole would take seconds and gigabytes.
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 1 << 30)
        try handle.close()
        let error = try #require(throws: RuleError.self) { try RuleSet(contentsOfFile: path) }
        #expect(error.code == .tooLarge)
        #expect(
            error.description
                == "\(path): the rule file is 1073741824 bytes, over the limit of 4194304 bytes (4 MiB); expected a rule file of at most 4194304 bytes"
        )
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test("a file of exactly the limit is read")
    func atLimit() throws {
        let path = folder + "/full.yml"
        let rules = "rules:\n  - {name: r, match: {event: x}, metric: count, thresholds: {critical: \"> 1\"}}\n"
        let padding = String(repeating: "#", count: RuleSet.maximumFileBytes - rules.utf8.count - 1) + "\n"
        try (rules + padding).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try RuleSet(contentsOfFile: path).rules.count == 1)
        try (rules + padding + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: RuleError.self) { try RuleSet(contentsOfFile: path) }
    }

    @Test("an endless device is refused after the limit; a directory by what it is")
    func specialFiles() throws {
        let zero = try #require(throws: RuleError.self) { try RuleSet(contentsOfFile: "/dev/zero") }
        #expect(zero.code == .tooLarge)
        #expect(zero.description.hasPrefix("/dev/zero: the rule file is more than 4194304 bytes"))
        let directory = try #require(throws: RuleError.self) { try RuleSet(contentsOfFile: folder) }
        #expect(directory.code == .unreadable)
        #expect(directory.description.contains("it is a directory"))
    }

    @Test("a FIFO nobody writes to reads as empty instead of hanging; one that is written is read")
    func fifo() async throws {
        let path = folder + "/rules.fifo"
        #expect(mkfifo(path, 0o600) == 0)
        #expect(throws: RuleError.self) { try RuleSet(contentsOfFile: path) }
        let rules = "rules:\n  - {name: r, match: {event: x}, metric: count, thresholds: {critical: \"> 1\"}}\n"
        // Opening for writing waits for the reader, then the whole file goes through the pipe. The wait blocks,
        // so it happens on a thread of its own, never on one the tests' tasks share.
        // A reader that opens and closes before the writer writes makes the write fail with EPIPE; the signal
        // that comes with it must not end the test process.
        signal(SIGPIPE, SIG_IGN)
        let written = DispatchSemaphore(value: 0)
        let writer = Thread {
            if let handle = try? FileHandle(forWritingTo: URL(fileURLWithPath: path)) {
                try? handle.write(contentsOf: Data(rules.utf8))
                try? handle.close()
            }
            written.signal()
        }
        writer.start()
        // The reader may open before the writer (it then sees no writer, reads nothing): retry until it reads.
        var read: RuleSet?
        for _ in 0..<100 where read == nil {
            read = try? RuleSet(contentsOfFile: path)
            if read == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        // A reader that never came would leave the writer blocked in open: one last reader releases it.
        if read == nil { _ = try? RuleSet(contentsOfFile: path) }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                written.wait()
                continuation.resume()
            }
        }
        #expect(read?.rules.count == 1)
    }
}
