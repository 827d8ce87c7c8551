public import Logging

extension EventCollector {
    /// Settings of an ``EventCollector``.
    ///
    /// ```swift
    /// var configuration = EventCollector.Configuration()
    /// configuration.maximumRawEventsPerSecond = 1_000
    /// configuration.structuredLogLevel = .info
    /// let collector = EventCollector(workerID: "w-7", configuration: configuration)
    /// ```
    public struct Configuration: Sendable {
        /// The raw-event budget: how many raw events per second are kept before adaptive sampling thins them.
        ///
        /// Above the budget the collector keeps 1 event in 2, then 1 in 4, … (each kept event carries a
        /// `sample_rate` attribute saying how many it stands for). ``EventCollector/aggregates`` always count
        /// every event. Default `nil`: no sampling. Values below 1 count as 1.
        public var maximumRawEventsPerSecond: Int?

        /// The most raw events held in memory; later ones are counted in ``EventCollector/droppedCount`` and
        /// in the aggregates only. Default 100,000 — bounds a runaway worker's memory, not a normal one.
        public var maximumRetainedEvents: Int

        /// The level of the tier-3 structured log line written for each kept event; `nil` (the default)
        /// writes none.
        public var structuredLogLevel: Logger.Level?

        /// The name of the file ``EventCollector/flush()`` appends to inside the directory. Default
        /// `metrics.jsonl`.
        public var fileName: String

        /// The default settings: no sampling, 100,000 retained events, no tier-3 log, `metrics.jsonl`.
        public init(
            maximumRawEventsPerSecond: Int? = nil,
            maximumRetainedEvents: Int = 100_000,
            structuredLogLevel: Logger.Level? = nil,
            fileName: String = "metrics.jsonl"
        ) {
            self.maximumRawEventsPerSecond = maximumRawEventsPerSecond
            self.maximumRetainedEvents = maximumRetainedEvents
            self.structuredLogLevel = structuredLogLevel
            self.fileName = fileName
        }

        /// The default settings.
        public static var `default`: Configuration { Configuration() }
    }
}
