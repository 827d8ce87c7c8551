/// The fixed parts of one metric family: its name, help and type, and the bytes rendering needs, prepared once.
struct MetricFamily: Sendable {
    enum Kind: String, Sendable {
        case counter
        case gauge
        case histogram
    }

    /// The name of the sample lines; for a counter it ends in `_total`.
    let name: String
    let kind: Kind
    let help: String

    /// `# HELP` and `# TYPE` for the Prometheus text format 0.0.4.
    let prometheusHeader: [UInt8]
    /// `# HELP` and `# TYPE` for OpenMetrics 1.0, where a counter family is named without `_total`.
    let openMetricsHeader: [UInt8]

    /// The sample name of a counter or gauge.
    let sample: [UInt8]
    /// `_bucket`, `_sum` and `_count` sample names of a histogram.
    let bucket: [UInt8]
    let sum: [UInt8]
    let count: [UInt8]

    init(_ name: String, _ kind: Kind, help: String) {
        precondition(kind != .counter || name.hasSuffix("_total"), "a counter's name ends in _total")
        self.name = name
        self.kind = kind
        self.help = help
        let familyName = kind == .counter ? String(name.dropLast("_total".count)) : name
        prometheusHeader = Array("# HELP \(name) \(help)\n# TYPE \(name) \(kind.rawValue)\n".utf8)
        openMetricsHeader = Array("# HELP \(familyName) \(help)\n# TYPE \(familyName) \(kind.rawValue)\n".utf8)
        sample = Array(name.utf8)
        bucket = Array("\(name)_bucket".utf8)
        sum = Array("\(name)_sum".utf8)
        count = Array("\(name)_count".utf8)
    }
}

/// The bucket bounds of a histogram, with each bucket's `le="…"` label prepared as bytes.
struct BucketLayout: Sendable {
    /// Upper bounds, ascending, finite; the `+Inf` bucket is implied.
    let bounds: [Double]
    /// `le="0.005"` for each bound and then `le="+Inf"`; whole bounds keep a fraction (`le="1.0"`), the
    /// canonical form OpenMetrics asks for and the one the Prometheus text format reads as well.
    let leLabels: [[UInt8]]

    /// Buckets from `bounds`: sorted, without duplicates, infinities and NaN (the `+Inf` bucket is always there).
    init(_ bounds: [Double]) {
        var cleaned = bounds.filter(\.isFinite).sorted()
        var unique: [Double] = []
        for bound in cleaned where unique.last != bound { unique.append(bound) }
        cleaned = unique
        self.bounds = cleaned
        var labels: [[UInt8]] = cleaned.map { Array("le=\"\($0.description)\"".utf8) }
        labels.append(Array("le=\"+Inf\"".utf8))
        leLabels = labels
    }

    /// Slots per histogram: one per bound and one for `+Inf`.
    var slotCount: Int { bounds.count + 1 }

    /// The slot of an observation: the first bucket whose bound is at least `value`, or the `+Inf` slot.
    @inline(__always)
    func slot(for value: Double) -> Int {
        var low = 0
        var high = bounds.count
        while low < high {
            let middle = (low + high) / 2
            if bounds[middle] < value {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }
}
