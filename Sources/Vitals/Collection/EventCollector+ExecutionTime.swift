extension EventCollector {
    /// Restarts the worker's execution time now (it otherwise starts when the collector is created) and
    /// clears a previous ``finish()``.
    public func start() {
        let now = now()
        withState { state in
            state.startOffset = now
            state.finishOffset = nil
        }
    }

    /// Stops the worker's execution time now; later calls keep the first finish until ``start()`` is called.
    public func finish() {
        let now = now()
        withState { state in
            if state.finishOffset == nil { state.finishOffset = now }
        }
    }

    /// The worker's wall time: from creation (or ``start()``) to ``finish()``, or to now while still running.
    public var executionTime: Duration {
        let now = now()
        return withState { state in (state.finishOffset ?? now) - state.startOffset }
    }

    /// Tier 1: the execution time as one line for the worker's result, `Execution time: 98ms`.
    public var executionSummary: String {
        Self.executionSummary(milliseconds: Self.milliseconds(of: executionTime))
    }

    /// The tier-1 line for a duration measured elsewhere (from a worker's `metadata.json`, say).
    ///
    /// Whole milliseconds, rounded; like the original, a sub-millisecond worker shows `0ms`.
    ///
    /// ```swift
    /// EventCollector.executionSummary(milliseconds: 98.4)  // "Execution time: 98ms"
    /// ```
    public static func executionSummary(milliseconds: Double) -> String {
        let rounded = milliseconds.isFinite ? Swift.max(0, milliseconds.rounded()) : 0
        return "Execution time: \(Int64(rounded))ms"
    }

    /// A worker's result text with the tier-1 summary in front of it, as a supervisor reads it.
    ///
    /// ```swift
    /// collector.annotatedResult("The result is 42.", header: "Result from worker job 123 (worker w-7):")
    /// // Result from worker job 123 (worker w-7):
    /// //
    /// // Execution time: 98ms
    /// //
    /// // The result is 42.
    /// ```
    ///
    /// - Parameters:
    ///   - result: The worker's result text.
    ///   - header: An optional first paragraph naming the job and worker.
    /// - Returns: The paragraphs header, summary and result, separated by blank lines.
    public func annotatedResult(_ result: String, header: String? = nil) -> String {
        var paragraphs: [String] = []
        if let header { paragraphs.append(header) }
        paragraphs.append(executionSummary)
        paragraphs.append(result)
        return paragraphs.joined(separator: "\n\n")
    }

    static func milliseconds(of duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }
}
