import Vitals

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The standard `process_*` metrics of this process, read from Linux `/proc` and `getrusage` at render time.
enum ProcessMetrics {
    static let residentMemory = MetricFamily(
        "process_resident_memory_bytes",
        .gauge,
        help: "Resident memory size in bytes."
    )
    static let startTime = MetricFamily(
        "process_start_time_seconds",
        .gauge,
        help: "Start time of the process since unix epoch in seconds."
    )
    static let cpu = MetricFamily(
        "process_cpu_seconds_total",
        .counter,
        help: "Total user and system CPU time spent in seconds."
    )

    /// The process's start time in seconds since the epoch; read once, it does not change.
    static let startTimeSeconds: Double? = readStartTimeSeconds()

    /// Writes the families whose value can be read here; on systems without `/proc` some are left out.
    static func render(into writer: inout ExpositionWriter) {
        if let bytes = ResidentMemory.currentBytes() {
            writer.header(residentMemory)
            writer.line(residentMemory.sample, labels: [], count: bytes)
        }
        if let start = startTimeSeconds {
            writer.header(startTime)
            writer.line(startTime.sample, labels: [], value: start)
        }
        writer.header(cpu)
        writer.line(cpu.sample, labels: [], value: cpuSeconds())
    }

    /// User plus system CPU time of the whole process.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Boot time (`btime` of `/proc/stat`) plus the process's start in clock ticks after boot (field 22 of
    /// `/proc/self/stat`), rounded to the tick.
    private static func readStartTimeSeconds() -> Double? {
        guard let stat = readFile("/proc/self/stat"), let system = readFile("/proc/stat") else { return nil }
        // Fields are counted after the command name, which is in parentheses and may itself hold spaces.
        guard let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
        // The field after ")" is field 3 (state), so starttime, field 22, is at offset 19.
        guard fields.count > 19, let ticks = decimal(fields[fields.startIndex + 19]) else { return nil }
        var bootTime: UInt64?
        for line in system.split(separator: UInt8(ascii: "\n")) where line.starts(with: "btime ".utf8) {
            bootTime = decimal(line.dropFirst(6))
        }
        let ticksPerSecond = sysconf(Int32(_SC_CLK_TCK))
        guard let bootTime, ticksPerSecond > 0 else { return nil }
        return Double(bootTime) + Double(ticks) / Double(ticksPerSecond)
    }

    private static func decimal(_ bytes: ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        var digits = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { break }
            value = value &* 10 &+ UInt64(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// The whole of a small `/proc` file (they report a size of 0, so read until the end).
    private static func readFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            contents.append(contentsOf: chunk[..<count])
        }
        return contents
    }
}
