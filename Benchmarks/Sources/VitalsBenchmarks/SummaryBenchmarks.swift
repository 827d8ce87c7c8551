import Foundation
import Vitals

/// `vitals summary` over a generated 1M-line file, against `wc -l` (the read limit), and jq, Python + orjson and
/// DuckDB doing the same job.
///
/// They run as separate processes, so each has its own wall time and peak resident memory. The `vitals`
/// binary is `$VITALS_BINARY` (set by `Benchmarks/run` to the release build of the main package); DuckDB runs
/// under `$VITALS_DUCKDB_PYTHON`, a virtual environment's Python that `Benchmarks/run` makes for it.
enum SummaryBenchmarks {
    static let lineCount = 1_000_000

    static func run(_ harness: Harness, into report: inout Report) {
        guard let binary = ProcessInfo.processInfo.environment["VITALS_BINARY"] else {
            print("summary: skipped (set VITALS_BINARY, or use Benchmarks/run)")
            return
        }
        let path = dataFile()
        let references = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../reference").standardized.path
        let repeats = harness.rounds >= 21 ? 3 : 1
        let perLine = { (outcome: ChildProcess.Outcome) in outcome.seconds * 1e9 / Double(lineCount) }
        func describe(_ outcome: ChildProcess.Outcome) -> String {
            String(
                format: "%.2f s wall, peak RSS %.1f MB",
                outcome.seconds,
                Double(outcome.peakResidentKilobytes) / 1024
            )
        }

        guard let vitals = ChildProcess.best(of: repeats, [binary, "summary", path]) else {
            print("summary: vitals summary failed")
            report.check("vitals summary ran", measured: 0, atLeast: 1)
            return
        }
        report.add("vitals summary, 1M lines (ns/line)", nanoseconds: perLine(vitals), note: describe(vitals))
        report.check("vitals summary peak RSS MB", measured: Double(vitals.peakResidentKilobytes) / 1024, atMost: 50)

        // The read limit: counting the lines of the same file, from the page cache.
        if let lines = ChildProcess.best(of: 3, ["wc", "-l", path]) {
            report.add("wc -l, the read limit (ns/line)", nanoseconds: perLine(lines), note: describe(lines))
            report.check("vitals summary time over wc -l", measured: vitals.seconds / lines.seconds, atMost: 3)
        }
        // What a loop over fields costs before it checks or decodes anything.
        let boundaries = (0..<3).map { _ in FieldBoundaryScan.seconds(path: path) }.min() ?? 0
        report.add(
            "field boundaries only, one core (ns/line)",
            nanoseconds: boundaries * 1e9 / Double(lineCount),
            note: String(format: "%.2f s of one core: where each key and value ends, nothing checked", boundaries)
        )
        if let python = ProcessInfo.processInfo.environment["VITALS_DUCKDB_PYTHON"],
            let duckdb = ChildProcess.best(of: repeats, [python, "\(references)/summary_duckdb.py", path])
        {
            report.add(
                "DuckDB read_json + quantile_disc, 2 threads (ns/line)",
                nanoseconds: perLine(duckdb),
                note: describe(duckdb)
                    + String(format: "; vitals summary takes %.2f times as long", vitals.seconds / duckdb.seconds)
            )
        } else {
            print("summary: DuckDB reference skipped (Benchmarks/run installs it in a virtual environment)")
        }

        if let jq = ChildProcess.best(of: 1, ["\(references)/summary_jq.sh", path]) {
            report.add("jq reduce inputs (ns/line)", nanoseconds: perLine(jq), note: describe(jq))
            report.check("vitals summary speed-up over jq", measured: jq.seconds / vitals.seconds, atLeast: 20)
        } else {
            print("summary: jq reference skipped (apt-get install jq)")
        }
        if let python = ChildProcess.best(of: repeats, ["python3", "\(references)/summary_orjson.py", path]) {
            report.add("python3 + orjson, exact (ns/line)", nanoseconds: perLine(python), note: describe(python))
            report.check(
                "vitals summary speed-up over python+orjson",
                measured: python.seconds / vitals.seconds,
                atLeast: 2
            )
        } else {
            print("summary: python+orjson reference skipped (pip install orjson)")
        }
    }

    /// The generated input, made once per machine and reused: about 250 MB of worker events.
    static func dataFile() -> String {
        let path = NSTemporaryDirectory() + "vitals-bench-summary-v1-\(lineCount).jsonl"
        if FileManager.default.fileExists(atPath: path) { return path }
        print("summary: generating \(lineCount) lines at \(path)…")
        let partial = path + ".partial"
        FileManager.default.createFile(atPath: partial, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: partial) else { fatalError("cannot write \(partial)") }
        var generator = SplitMix64(seed: 7)
        let encoder = JSONLEncoder()
        let models = ["gpt-5-mini", "gpt-5", "claude-sonnet-4.5", "glm-4.6", "kimi-k2-turbo-preview"]
        let tools = ["ssh_exec", "http_request", "kb_search", "sql_query", "file_read", "web_fetch"]
        let phases = ["initial", "summary", "synthesis"]
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 21)
        var start = Timestamp(nanosecondsSinceEpoch: 1_765_771_688_000_000_000)
        for line in 0..<lineCount {
            start = start.adding(milliseconds: 50)
            let labels: Labels = ["agent_id": "AGENT_\(line % 105)", "worker_id": "worker-\(line % 64)"]
            var event: Event
            if line % 3 != 0 {
                let duration = (generator.nextLatency(median: 250) * 1000).rounded() / 1000
                let prompt = Int64(100 + generator.next() % 4_900)
                let completion = Int64(10 + generator.next() % 790)
                event = Event(
                    name: "llm_call",
                    start: start,
                    end: start.adding(milliseconds: duration),
                    durationMilliseconds: duration,
                    labels: labels,
                    attributes: [
                        "phase": .string(phases[Int(generator.next() % 3)]),
                        "model": .string(models[Int(generator.next() % 5)]),
                        "prompt_tokens": .int(prompt), "completion_tokens": .int(completion),
                        "total_tokens": .int(prompt + completion),
                    ]
                )
            } else {
                let duration = (generator.nextLatency(median: 55, spread: 1.2) * 1000).rounded() / 1000
                let failed = generator.next() % 100 < 3
                event = Event(
                    name: "tool_call",
                    start: start,
                    end: start.adding(milliseconds: duration),
                    durationMilliseconds: duration,
                    status: failed ? .error : .ok,
                    error: failed ? "connection reset by peer" : nil,
                    labels: labels,
                    attributes: ["tool": .string(tools[Int(generator.next() % 6)])]
                )
            }
            encoder.append(.event(event), to: &buffer)
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count > 1 << 20 {
                handle.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(buffer))
        try? handle.close()
        try? FileManager.default.moveItem(atPath: partial, toPath: path)
        return path
    }
}

/// The floor of any scanner that visits a line's fields one by one: it only finds where each key and value ends
/// (strings skipped eight bytes at a time, other values byte by byte), checking and decoding nothing.
enum FieldBoundaryScan {
    /// Seconds to scan the file at `path`, read through a 1 MiB buffer like `vitals summary` reads it.
    static func seconds(path: String) -> Double {
        let descriptor = open(path, O_RDONLY)
        precondition(descriptor >= 0, "cannot open \(path)")
        defer { close(descriptor) }
        let capacity = 1 << 20
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        let start = DispatchTime.now().uptimeNanoseconds
        var filled = 0
        var fields = 0
        while true {
            precondition(filled < capacity, "a line of \(path) is longer than the 1 MiB buffer")
            let read = Foundation.read(descriptor, buffer + filled, capacity - filled)
            guard read > 0 else { break }
            filled += read
            var lineStart = 0
            while let newline = memchr(buffer + lineStart, Int32(UInt8(ascii: "\n")), filled - lineStart) {
                let lineEnd = newline.assumingMemoryBound(to: UInt8.self) - buffer
                fields += scan(buffer + lineStart, lineEnd - lineStart)
                lineStart = lineEnd + 1
            }
            memmove(buffer, buffer + lineStart, filled - lineStart)
            filled -= lineStart
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        precondition(fields > 0, "no field found in \(path)")
        return seconds
    }

    /// The number of fields of one line.
    private static func scan(_ base: UnsafePointer<UInt8>, _ count: Int) -> Int {
        var fields = 0
        var index = 1
        while index < count - 1, base[index] == UInt8(ascii: "\""), let keyEnd = quote(base, count, index + 1) {
            index = keyEnd + 2
            if index < count, base[index] == UInt8(ascii: "\"") {
                guard let valueEnd = quote(base, count, index + 1) else { break }
                index = valueEnd + 1
            } else {
                while index < count, base[index] != UInt8(ascii: ","), base[index] != UInt8(ascii: "}") { index += 1 }
            }
            fields += 1
            index += 1
        }
        return fields
    }

    /// The next quote from `start` on.
    private static func quote(_ base: UnsafePointer<UInt8>, _ count: Int, _ start: Int) -> Int? {
        var position = start
        while count - position >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            let quotes = word ^ 0x2222_2222_2222_2222
            let found = (quotes &- 0x0101_0101_0101_0101) & ~quotes & 0x8080_8080_8080_8080
            if found != 0 { return position + found.trailingZeroBitCount >> 3 }
            position += 8
        }
        while position < count {
            if base[position] == UInt8(ascii: "\"") { return position }
            position += 1
        }
        return nil
    }
}
