import Vitals

/// Every gauge series: its cached label block and last value, in flat arrays indexed by series number.
struct SampleSeriesStore: Sendable {
    let keys: LabelKeys
    let seriesLimit: Int
    let nameLimit: Int

    private var index: [SeriesKey: Int] = [:]
    private var names: [String: NameEntry] = [:]
    /// The series of every name past `nameLimit` (names, too, come from traffic).
    private var otherNames: Int?
    private var scratch: SeriesKey

    private(set) var labelBlocks: [[UInt8]] = []
    private(set) var values: [Double] = []
    /// When each series' value was read; `nil` when the sample had no timestamp.
    private var timestamps: [Timestamp?] = []

    private struct NameEntry {
        var regular = 0
        var overflow: Int?
    }

    init(keys: LabelKeys, seriesLimit: Int, nameLimit: Int) {
        self.keys = keys
        self.seriesLimit = max(0, seriesLimit)
        self.nameLimit = max(0, nameLimit)
        scratch = SeriesKey(name: "", values: Array(repeating: "", count: keys.keys.count))
    }

    var seriesCount: Int { labelBlocks.count }

    /// Sets the gauge to the sample's value, unless the series already holds a value read later.
    ///
    /// Batches from several agents can arrive out of order; comparing timestamps keeps the newest reading rather
    /// than the last one to arrive. Samples without a timestamp always win.
    mutating func record(_ sample: Sample) {
        scratch.name = sample.name
        for position in keys.keys.indices {
            scratch.values[position] = sample.labels[keys.keys[position]] ?? ""
        }
        let series: Int
        if let existing = index[scratch] {
            series = existing
        } else {
            series = newSeries()
        }
        if let incoming = sample.timestamp, let current = timestamps[series], incoming < current { return }
        values[series] = sample.value
        timestamps[series] = sample.timestamp
    }

    private mutating func newSeries() -> Int {
        if names[scratch.name] == nil && names.count >= nameLimit {
            if let otherNames { return otherNames }
            let series = append(
                labelBlock: ExpositionWriter.labelBlock([
                    ("metric", ExpositionRegistry.otherNames), ("overflow", "true"),
                ])
            )
            otherNames = series
            return series
        }
        var entry = names[scratch.name] ?? NameEntry()
        defer { names[scratch.name] = entry }
        if entry.regular < seriesLimit {
            entry.regular += 1
            var pairs: [(name: String, value: String)] = [("metric", scratch.name)]
            for position in keys.names.indices { pairs.append((keys.names[position], scratch.values[position])) }
            let series = append(labelBlock: ExpositionWriter.labelBlock(pairs))
            index[scratch] = series
            return series
        }
        if let overflow = entry.overflow { return overflow }
        let overflow = append(
            labelBlock: ExpositionWriter.labelBlock([("metric", scratch.name), ("overflow", "true")])
        )
        entry.overflow = overflow
        return overflow
    }

    private mutating func append(labelBlock: [UInt8]) -> Int {
        labelBlocks.append(labelBlock)
        values.append(0)
        timestamps.append(nil)
        return labelBlocks.count - 1
    }
}

extension SampleSeriesStore {
    static let value = MetricFamily(
        "vitals_sample_value",
        .gauge,
        help: "Last value of each gauge sent as a sample (queue depth, workload, memory), by metric name."
    )

    /// Writes `vitals_sample_value`, or nothing when no sample has arrived.
    func render(into writer: inout ExpositionWriter) {
        guard seriesCount > 0 else { return }
        writer.header(Self.value)
        for series in 0..<seriesCount {
            writer.line(Self.value.sample, labels: labelBlocks[series], value: values[series])
        }
    }
}
