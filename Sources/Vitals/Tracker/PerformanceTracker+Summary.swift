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
        let quantiles = [("p50", stats.p50), ("p95", stats.p95), ("p99", stats.p99)]
            .map { "\($0.0): \(TextFormatting.milliseconds($0.1))" }
        return [
            title,
            "  Count: \(stats.count)",
            "  Total: \(TextFormatting.milliseconds(stats.totalMilliseconds))",
            "  Avg: \(TextFormatting.milliseconds(stats.meanMilliseconds))",
            "  Min: \(TextFormatting.milliseconds(stats.minMilliseconds))",
            "  Max: \(TextFormatting.milliseconds(stats.maxMilliseconds))",
            "  " + quantiles.joined(separator: "  "),
            "  Errors: \(stats.errors)",
        ].joined(separator: "\n")
    }
}
