import Vitals

/// Every gauge series: its cached label block and last value, in flat arrays indexed by series number.
struct SampleSeriesStore: Sendable {
    private var directory: SeriesDirectory
    private(set) var values: [Double] = []
    /// When each series' value was read; `nil` when the sample had no timestamp.
    private var timestamps: [Timestamp?] = []

    init(keys: LabelKeys, seriesLimit: Int, nameLimit: Int) {
        directory = SeriesDirectory(keys: keys, nameLabel: "metric", seriesLimit: seriesLimit, nameLimit: nameLimit)
    }

    var seriesCount: Int { directory.count }

    /// Sets the gauge to the sample's value, unless the series already holds a value read later.
    ///
    /// Batches from several agents can arrive out of order; comparing timestamps keeps the newest reading rather
    /// than the last one to arrive. Samples without a timestamp always win.
    mutating func record(_ sample: Sample) {
        let (series, isNew) = directory.series(name: sample.name) { sample.labels[$0] }
        if isNew {
            values.append(0)
            timestamps.append(nil)
        }
        if let incoming = sample.timestamp, let current = timestamps[series], incoming < current { return }
        values[series] = sample.value
        timestamps[series] = sample.timestamp
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
            writer.line(Self.value.sample, labels: directory.labelBlocks[series], value: values[series])
        }
    }
}
