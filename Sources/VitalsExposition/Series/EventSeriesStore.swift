import Vitals

/// Every event series: per series a cached label block and its counters, in flat arrays indexed by series number.
///
/// Flat arrays keep recording to a hash lookup and a few stores, and rendering to a walk over contiguous memory.
/// Series are numbered in order of creation and never removed.
struct EventSeriesStore: Sendable {
    let layout: BucketLayout
    private var directory: SeriesDirectory

    /// Per series `layout.slotCount` bucket counts, not cumulative.
    private(set) var slots: [UInt64] = []
    private(set) var sums: [Double] = []
    private(set) var counts: [UInt64] = []
    private(set) var errors: [UInt64] = []
    private(set) var promptTokens: [Double] = []
    private(set) var completionTokens: [Double] = []
    private(set) var costs: [Double] = []
    /// Which optional counters a series has seen: `Seen` bits.
    private(set) var seen: [UInt8] = []

    enum Seen {
        static let prompt: UInt8 = 1
        static let completion: UInt8 = 2
        static let cost: UInt8 = 4
    }

    init(keys: LabelKeys, layout: BucketLayout, seriesLimit: Int, nameLimit: Int) {
        self.layout = layout
        directory = SeriesDirectory(keys: keys, nameLabel: "event", seriesLimit: seriesLimit, nameLimit: nameLimit)
        fields = EventFields(keys: keys)
    }

    var seriesCount: Int { directory.count }

    private let fields: EventFields

    /// Adds one event to its series, creating the series (or folding into the name's overflow series) first.
    mutating func record(_ event: Event) {
        var numbers = EventFields.Numbers()
        let fields = fields
        let (series, isNew) = directory.series(name: event.name) { values in
            fields.read(event, labels: &values, numbers: &numbers)
        }
        if isNew { appendStorage() }

        let seconds = event.durationMilliseconds / 1_000
        if !seconds.isNaN {
            slots[series &* layout.slotCount &+ layout.slot(for: seconds)] &+= 1
            sums[series] += seconds
        }
        counts[series] &+= 1
        if event.status.isFailure { errors[series] &+= 1 }
        if let prompt = numbers.prompt {
            promptTokens[series] += prompt
            seen[series] |= Seen.prompt
        }
        if let completion = numbers.completion {
            completionTokens[series] += completion
            seen[series] |= Seen.completion
        }
        if let cost = numbers.cost {
            costs[series] += cost
            seen[series] |= Seen.cost
        }
    }

    private mutating func appendStorage() {
        slots.append(contentsOf: repeatElement(0, count: layout.slotCount))
        sums.append(0)
        counts.append(0)
        errors.append(0)
        promptTokens.append(0)
        completionTokens.append(0)
        costs.append(0)
        seen.append(0)
    }
}

extension EventSeriesStore {
    static let duration = MetricFamily(
        "vitals_event_duration_seconds",
        .histogram,
        help: "Duration of finished operations (events), in seconds."
    )
    static let events = MetricFamily("vitals_events_total", .counter, help: "Finished operations (events).")
    static let eventErrors = MetricFamily(
        "vitals_event_errors_total",
        .counter,
        help: "Finished operations whose status is not ok (error, timeout, cancelled)."
    )
    static let tokens = MetricFamily(
        "vitals_tokens_total",
        .counter,
        help: "LLM tokens reported by events (prompt_tokens, completion_tokens), by kind."
    )
    static let cost = MetricFamily(
        "vitals_cost_usd_total",
        .counter,
        help: "Cost reported by events (cost_usd), in USD."
    )

    private static let promptKind = Array("kind=\"prompt\"".utf8)
    private static let completionKind = Array("kind=\"completion\"".utf8)

    /// Writes the event families, each once with all its series; families without a series are left out.
    func render(into writer: inout ExpositionWriter) {
        guard seriesCount > 0 else { return }
        let labelBlocks = directory.labelBlocks
        let slotCount = layout.slotCount

        writer.header(Self.duration)
        for series in 0..<seriesCount {
            let labels = labelBlocks[series]
            var cumulative: UInt64 = 0
            let base = series &* slotCount
            for slot in 0..<slotCount {
                cumulative &+= slots[base &+ slot]
                writer.line(Self.duration.bucket, labels: labels, extra: layout.leLabels[slot], count: cumulative)
            }
            writer.line(Self.duration.sum, labels: labels, value: sums[series])
            writer.line(Self.duration.count, labels: labels, count: cumulative)
        }

        writer.header(Self.events)
        for series in 0..<seriesCount {
            writer.line(Self.events.sample, labels: labelBlocks[series], count: counts[series])
        }

        writer.header(Self.eventErrors)
        for series in 0..<seriesCount {
            writer.line(Self.eventErrors.sample, labels: labelBlocks[series], count: errors[series])
        }

        let anyTokens = seen.contains { $0 & (Seen.prompt | Seen.completion) != 0 }
        if anyTokens {
            writer.header(Self.tokens)
            for series in 0..<seriesCount where seen[series] & (Seen.prompt | Seen.completion) != 0 {
                if seen[series] & Seen.prompt != 0 {
                    writer.line(
                        Self.tokens.sample,
                        labels: labelBlocks[series],
                        extra: Self.promptKind,
                        value: promptTokens[series]
                    )
                }
                if seen[series] & Seen.completion != 0 {
                    writer.line(
                        Self.tokens.sample,
                        labels: labelBlocks[series],
                        extra: Self.completionKind,
                        value: completionTokens[series]
                    )
                }
            }
        }

        if seen.contains(where: { $0 & Seen.cost != 0 }) {
            writer.header(Self.cost)
            for series in 0..<seriesCount where seen[series] & Seen.cost != 0 {
                writer.line(Self.cost.sample, labels: labelBlocks[series], value: costs[series])
            }
        }
    }
}
