/// What `vitals summary` reports about a set of events: per-operation statistics, the slowest and the
/// failed events, token and cost totals by model and by tool, and gauge values.
///
/// A summary is built by adding events one at a time (memory stays bounded by the number of distinct
/// operations, models and tools, never by the number of events) and can be merged with the summary of
/// another part of the data, which is how large files are summarised on every core at once.
///
/// ```swift
/// var summary = EventSummary(options: SummaryOptions(groupBy: ["model"]))
/// summary.add(event, file: "metrics.jsonl", line: 1)
/// print(summary.renderText())
/// ```
public struct EventSummary: Sendable {
    /// The operation name plus the values of the `--by` labels (empty string when an event lacks one).
    public struct GroupKey: Sendable, Hashable, Comparable {
        public var name: String
        public var labelValues: [String]

        public init(name: String, labelValues: [String] = []) {
            self.name = name
            self.labelValues = labelValues
        }

        /// Compares the names' lengths first: unequal names (`llm_call`, `tool_call`) usually differ in
        /// length, and String's `==` takes its slow path for any two different strings.
        public static func == (lhs: GroupKey, rhs: GroupKey) -> Bool {
            lhs.name.utf8.count == rhs.name.utf8.count && lhs.name == rhs.name && lhs.labelValues == rhs.labelValues
        }

        public static func < (lhs: GroupKey, rhs: GroupKey) -> Bool {
            if lhs.name != rhs.name { return lhs.name < rhs.name }
            return lhs.labelValues.lexicographicallyPrecedes(rhs.labelValues)
        }
    }

    /// Where one notable event came from, and what it was.
    public struct EventReference: Sendable, Hashable {
        public var name: String
        public var durationMilliseconds: Double
        public var status: EventStatus
        public var error: String?
        /// The file the event was read from (`-` for standard input).
        public var file: String
        /// The 1-based line number in that file.
        public var line: Int
        /// Identity labels and descriptive attributes as `key=value` words (`model=gpt-5-mini phase=initial`).
        public var detail: String
        /// Position of `file` in the input list, to order references the way the input was read.
        var fileIndex: Int
    }

    /// Options the summary was built with.
    public let options: SummaryOptions
    /// Statistics per operation (or per `--by` group).
    public var operations: [GroupKey: EventStatistics] { operationValues.dictionary }
    /// The slowest events, slowest first, at most `options.slowestLimit`.
    public var slowest: [EventReference] { slowestHeap.sorted(by: Self.slowerFirst) }
    /// The first failed events in input order, at most `options.failedLimit`.
    public internal(set) var failed: [EventReference] = []
    /// How many events failed in all (the list above is capped).
    public internal(set) var failedCount: UInt64 = 0
    /// Token, cost and call totals per `model` attribute.
    public var models: [String: UsageTotals] { modelValues.dictionary }
    /// Call totals per `tool` attribute.
    public var tools: [String: UsageTotals] { toolValues.dictionary }
    /// Gauge values per metric name.
    public var gauges: [String: GaugeStatistics] { gaugeValues.dictionary }
    /// Events added.
    public internal(set) var eventCount: UInt64 = 0
    /// Gauge samples added.
    public private(set) var sampleCount: UInt64 = 0

    /// Min-heap on duration: the root is the fastest of the slowest kept so far.
    var slowestHeap: [EventReference] = []
    // Per-key values behind a linear-scan index: there are few distinct names, and hashing every event's
    // strings cost more than the rest of the summary.
    var operationValues = IndexedValues<GroupKey, EventStatistics> { EventStatistics() }
    var modelValues = IndexedValues<String, UsageTotals> { UsageTotals() }
    var toolValues = IndexedValues<String, UsageTotals> { UsageTotals() }
    /// The same keys found from a line's bytes (``add(_:in:file:line:fileIndex:event:)``).
    var operationBytes = BytePositions()
    var modelBytes = BytePositions()
    var toolBytes = BytePositions()
    /// A reused buffer for the bytes of a `--by` group's key.
    var groupKeyBytes: [UInt8] = []
    private var gaugeValues = IndexedValues<String, GaugeStatistics> { GaugeStatistics() }

    /// An empty summary.
    public init(options: SummaryOptions = SummaryOptions()) {
        self.options = options
    }

    /// Adds one event read from `file` at `line`.
    public mutating func add(_ event: Event, file: String, line: Int, fileIndex: Int = 0) {
        eventCount &+= 1
        let key: GroupKey
        if options.groupBy.isEmpty {
            key = GroupKey(name: event.name)
        } else {
            key = GroupKey(name: event.name, labelValues: options.groupBy.map { event.labelOrAttribute($0) ?? "" })
        }
        operationValues.update(key) { $0.add(durationMilliseconds: event.durationMilliseconds, status: event.status) }
        // One pass for both keys: looking each one up compared every key of the same length twice.
        var model: String?
        var tool: String?
        for attribute in event.attributes {
            guard case .string(let text) = attribute.value else { continue }
            switch attribute.key.utf8.count {
            case 5 where attribute.key.utf8.first == UInt8(ascii: "m") && attribute.key == WireKey.model: model = text
            case 4 where attribute.key.utf8.first == UInt8(ascii: "t") && attribute.key == WireKey.tool: tool = text
            default: break
            }
        }
        if let model { modelValues.update(model) { $0.add(event) } }
        if let tool { toolValues.update(tool) { $0.add(event) } }
        if joinsSlowest(event.durationMilliseconds) {
            pushSlowest(Self.reference(to: event, file: file, line: line, fileIndex: fileIndex))
        }
        if event.status.isFailure {
            failedCount &+= 1
            if failed.count < options.failedLimit {
                failed.append(Self.reference(to: event, file: file, line: line, fileIndex: fileIndex))
            }
        }
    }

    /// Adds one gauge sample.
    public mutating func add(_ sample: Sample) {
        sampleCount &+= 1
        gaugeValues.update(sample.name) { $0.add(sample) }
    }

    /// Adds the samples of one gauge that were aggregated elsewhere (a store's buckets).
    package mutating func add(gauge name: String, _ aggregate: GaugeStatistics) {
        sampleCount &+= aggregate.count
        gaugeValues.update(name) { $0.merge(aggregate) }
    }

    /// Adds everything of `other`, which covers input read after this summary's.
    public mutating func merge(_ other: EventSummary) {
        eventCount &+= other.eventCount
        sampleCount &+= other.sampleCount
        for (key, value) in other.operations { operationValues.update(key) { $0.merge(value) } }
        for (key, value) in other.models { modelValues.update(key) { $0.merge(value) } }
        for (key, value) in other.tools { toolValues.update(key) { $0.merge(value) } }
        for (key, value) in other.gauges { gaugeValues.update(key) { $0.merge(value) } }
        for reference in other.slowestHeap {
            if joinsSlowest(reference.durationMilliseconds) { pushSlowest(reference) }
        }
        failedCount &+= other.failedCount
        failed.append(contentsOf: other.failed.prefix(max(0, options.failedLimit - failed.count)))
    }

    /// Moves every line number by `offset`: a file range summarised on its own counts lines from 1.
    package mutating func shiftLines(by offset: Int) {
        guard offset != 0 else { return }
        for index in slowestHeap.indices { slowestHeap[index].line += offset }
        for index in failed.indices { failed[index].line += offset }
    }

    /// Operations sorted by name, then by group values.
    public var sortedOperations: [(key: GroupKey, value: EventStatistics)] {
        operations.sorted { $0.key < $1.key }
    }

    private static func slowerFirst(_ a: EventReference, _ b: EventReference) -> Bool {
        if a.durationMilliseconds != b.durationMilliseconds { return a.durationMilliseconds > b.durationMilliseconds }
        if a.fileIndex != b.fileIndex { return a.fileIndex < b.fileIndex }
        return a.line < b.line
    }

    /// Whether an event this slow belongs among the slowest kept so far.
    @inline(__always)
    func joinsSlowest(_ durationMilliseconds: Double) -> Bool {
        options.slowestLimit > 0
            && (slowestHeap.count < options.slowestLimit || durationMilliseconds > slowestHeap[0].durationMilliseconds)
    }

    mutating func pushSlowest(_ reference: EventReference) {
        if slowestHeap.count == options.slowestLimit {
            slowestHeap[0] = reference
            siftDown(0)
            return
        }
        slowestHeap.append(reference)
        var child = slowestHeap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard slowestHeap[child].durationMilliseconds < slowestHeap[parent].durationMilliseconds else { break }
            slowestHeap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < slowestHeap.count,
                slowestHeap[left].durationMilliseconds < slowestHeap[smallest].durationMilliseconds
            {
                smallest = left
            }
            if right < slowestHeap.count,
                slowestHeap[right].durationMilliseconds < slowestHeap[smallest].durationMilliseconds
            {
                smallest = right
            }
            if smallest == parent { return }
            slowestHeap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    private static let detailKeys =
        WireKey.identityLabels + [
            WireKey.model, WireKey.provider, WireKey.tool, WireKey.phase, WireKey.route,
        ]

    static func reference(to event: Event, file: String, line: Int, fileIndex: Int) -> EventReference {
        var words: [String] = []
        for key in detailKeys {
            if let value = event.labels[key] ?? event.attributes[key]?.description {
                words.append("\(key)=\(value)")
            }
        }
        return EventReference(
            name: event.name,
            durationMilliseconds: event.durationMilliseconds,
            status: event.status,
            error: event.error,
            file: file,
            line: line,
            detail: words.joined(separator: " "),
            fileIndex: fileIndex
        )
    }
}

/// How a summary groups and how many notable events it keeps.
public struct SummaryOptions: Sendable, Hashable {
    /// Labels (or attributes) to group by within each operation; empty groups by operation name only.
    public var groupBy: [String]
    /// How many of the slowest events to keep. Default 10.
    public var slowestLimit: Int
    /// How many failed events to list. Default 20.
    public var failedLimit: Int

    public init(groupBy: [String] = [], slowestLimit: Int = 10, failedLimit: Int = 20) {
        self.groupBy = groupBy
        self.slowestLimit = max(0, slowestLimit)
        self.failedLimit = max(0, failedLimit)
    }
}
