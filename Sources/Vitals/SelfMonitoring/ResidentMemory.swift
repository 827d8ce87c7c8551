import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The resident memory (RSS) of this process, read from Linux `/proc/self/statm`.
///
/// ```swift
/// if let sample = ResidentMemory.sample(labels: ["service": "pipeline"]) {
///     print(sample.name, sample.value)  // resident_memory_mb 42.7
/// }
/// let (report, peak) = try await ResidentMemory.peak { try await pipeline.run() }
/// ```
public enum ResidentMemory {
    /// The gauge name of ``sample(labels:)``.
    public static let metricName = "resident_memory_mb"

    /// The resident set size in bytes: resident pages × page size; `nil` where `/proc/self/statm` is missing
    /// or unreadable.
    ///
    /// One `open`/`read`/`close` of a tiny file, a few microseconds; no allocation beyond a stack buffer.
    public static func currentBytes() -> UInt64? {
        let descriptor = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer -> UInt64? in
            var count = 0
            while true {
                let result = read(descriptor, buffer.baseAddress!, buffer.count)
                if result < 0, errno == EINTR { continue }
                guard result > 0 else { return nil }
                count = result
                break
            }
            guard let pages = secondField(UnsafeBufferPointer(rebasing: buffer[..<count])) else { return nil }
            let pageSize = sysconf(Int32(_SC_PAGESIZE))
            guard pageSize > 0 else { return nil }
            return pages * UInt64(pageSize)
        }
    }

    /// The resident memory now as a `resident_memory_mb` gauge sample (MiB, timestamped), or `nil` when it
    /// cannot be read.
    ///
    /// - Parameter labels: Labels for the sample (`service`, `agent_id`, …).
    public static func sample(labels: Labels = [:]) -> Sample? {
        guard let bytes = currentBytes() else { return nil }
        return Sample(name: metricName, value: megabytes(bytes), timestamp: .now(), labels: labels)
    }

    /// Bytes as MiB, the unit of `resident_memory_mb` and of the pipeline's "memory < 100 MB" contract.
    public static func megabytes(_ bytes: UInt64) -> Double {
        Double(bytes) / 1_048_576
    }

    /// Runs `operation` while sampling resident memory every `interval`, and returns its value with the highest
    /// resident size seen (bytes; `nil` if memory could not be read).
    ///
    /// Memory is also read right before and right after the operation, so even an operation shorter than one
    /// interval gets a peak. The sampler is a child task of a task group: it is cancelled when the operation
    /// ends and the call does not return before it has stopped, so no task outlives the call. Sampling cannot
    /// see a spike that comes and goes between two samples; use a shorter interval for spiky work.
    ///
    /// ```swift
    /// let (report, peakBytes) = try await ResidentMemory.peak(every: .milliseconds(5)) {
    ///     try await pipeline.run()
    /// }
    /// assert(ResidentMemory.megabytes(peakBytes ?? 0) < 100)
    /// ```
    ///
    /// - Parameters:
    ///   - interval: Time between samples; 10 ms by default.
    ///   - operation: The work to watch.
    /// - Returns: What `operation` returned, and the peak resident size in bytes.
    /// - Throws: What `operation` throws.
    public nonisolated(nonsending) static func peak<T, Failure: Error>(
        every interval: Duration = .milliseconds(10),
        _ operation: nonisolated(nonsending) () async throws(Failure) -> T
    ) async throws(Failure) -> (value: T, peakBytes: UInt64?) {
        let peak = PeakBytes()
        func observe() {
            if let bytes = currentBytes() { peak.raise(to: bytes) }
        }
        observe()
        let result: Result<T, Failure> = await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    if let bytes = currentBytes() { peak.raise(to: bytes) }
                    do { try await Task.sleep(for: interval) } catch { break }
                }
            }
            let result: Result<T, Failure>
            do throws(Failure) {
                result = .success(try await operation())
            } catch {
                result = .failure(error)
            }
            group.cancelAll()
            await group.waitForAll()
            return result
        }
        observe()
        let bytes = peak.value.load(ordering: .relaxed)
        return (try result.get(), bytes == 0 ? nil : bytes)
    }

    /// The second space-separated decimal number of a statm line (`size resident shared …`): resident pages.
    private static func secondField(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        var field = 0
        var value: UInt64 = 0
        var inNumber = false
        for byte in bytes {
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if field == 1 { value = value &* 10 &+ UInt64(byte - UInt8(ascii: "0")) }
                inNumber = true
            } else if inNumber {
                if field == 1 { return value }
                field += 1
                inNumber = false
            }
        }
        return field == 1 && inNumber ? value : nil
    }
}

/// The highest value seen, shared between the sampler task and the caller.
private final class PeakBytes: Sendable {
    let value = Atomic<UInt64>(0)

    func raise(to candidate: UInt64) {
        var current = value.load(ordering: .relaxed)
        while candidate > current {
            let (exchanged, original) = value.compareExchange(
                expected: current,
                desired: candidate,
                ordering: .relaxed
            )
            if exchanged { return }
            current = original
        }
    }
}
