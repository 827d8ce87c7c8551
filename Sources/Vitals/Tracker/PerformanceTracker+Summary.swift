extension PerformanceTracker {
    /// A human-readable report of every operation, sorted by name then labels, in the format of the Python
    /// tracker this replaces plus quantiles and errors:
    ///
    /// ```text
    /// Operation: llm_call {model=gpt-5-mini}
    ///   Count: 2
    ///   Total: 523.5ms
    ///   Avg: 261.8ms
    ///   Min: 234.2ms
    ///   Max: 289.3ms
    ///   p50: 234.2ms  p95: 289.3ms  p99: 289.3ms
    ///   Errors: 0
    /// ```
    ///
    /// Durations of 1 ms and more have one decimal; shorter ones three, so that fast operations do not all read
    /// `0.0ms`. Returns an empty string when nothing has been measured.
    public func summary() -> String {
        snapshot().map(Self.summary(of:)).joined(separator: "\n")
    }

    /// The summary block of one operation.
    static func summary(of stats: OperationStats) -> String {
        var title = "Operation: \(stats.name)"
        if !stats.labels.isEmpty {
            title += " {" + stats.labels.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "}"
        }
        return [
            title,
            "  Count: \(stats.count)",
            "  Total: \(milliseconds(stats.totalMilliseconds))",
            "  Avg: \(milliseconds(stats.meanMilliseconds))",
            "  Min: \(milliseconds(stats.minMilliseconds))",
            "  Max: \(milliseconds(stats.maxMilliseconds))",
            "  p50: \(milliseconds(stats.p50))  p95: \(milliseconds(stats.p95))  p99: \(milliseconds(stats.p99))",
            "  Errors: \(stats.errors)",
        ].joined(separator: "\n")
    }

    /// `523.5ms`, or `0.042ms` below one millisecond.
    static func milliseconds(_ value: Double) -> String {
        fixed(value, decimals: abs(value) >= 1 || value == 0 ? 1 : 3) + "ms"
    }

    /// `value` rounded to `decimals` places, without Foundation's formatter.
    static func fixed(_ value: Double, decimals: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * Double(scale)).rounded()
        guard value.isFinite, scaled < 9e15 else { return String(value) }
        let units = Int64(scaled)
        let fraction = String(units % scale)
        let sign = value < 0 && units != 0 ? "-" : ""
        let padding = String(repeating: "0", count: decimals - fraction.count)
        return "\(sign)\(units / scale).\(padding)\(fraction)"
    }
}
