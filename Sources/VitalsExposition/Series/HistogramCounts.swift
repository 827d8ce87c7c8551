/// The bucket counts and sum of one unlabelled-or-labelled histogram series over a fixed `BucketLayout`.
struct HistogramCounts: Sendable {
    /// Per slot, not cumulative; the last slot is `+Inf`.
    private(set) var slots: [UInt64]
    private(set) var sum: Double = 0

    init(layout: BucketLayout) {
        slots = Array(repeating: 0, count: layout.slotCount)
    }

    mutating func observe(_ value: Double, layout: BucketLayout) {
        guard !value.isNaN else { return }
        slots[layout.slot(for: value)] &+= 1
        sum += value
    }

    /// `_bucket` lines (cumulative), `_sum` and `_count` of this series.
    func render(
        _ family: MetricFamily,
        labels: [UInt8],
        layout: BucketLayout,
        into writer: inout ExpositionWriter
    ) {
        var cumulative: UInt64 = 0
        for slot in slots.indices {
            cumulative &+= slots[slot]
            writer.line(family.bucket, labels: labels, extra: layout.leLabels[slot], count: cumulative)
        }
        writer.line(family.sum, labels: labels, value: sum)
        writer.line(family.count, labels: labels, count: cumulative)
    }
}
