/// A metric family computed at scrape time by another part of the server (alerting, delivery), rendered after
/// the registry's own.
///
/// ```swift
/// let alerts = ExtraMetric(name: "vitals_alerts", help: "Alerts by state.", kind: .gauge,
///                          samples: [([("state", "firing")], 2)])
/// let bytes = registry.render(.prometheus, extra: [alerts])
/// ```
public struct ExtraMetric: Sendable {
    /// Counter (the name ends in `_total`) or gauge.
    public enum Kind: Sendable {
        /// Only goes up.
        case counter
        /// Goes up and down.
        case gauge
    }

    /// The metric name.
    public var name: String
    /// One line of help.
    public var help: String
    /// Counter or gauge.
    public var kind: Kind
    /// Label pairs and value of each sample.
    public var samples: [(labels: [(name: String, value: String)], value: Double)]

    /// Creates a family.
    public init(
        name: String,
        help: String,
        kind: Kind,
        samples: [(labels: [(name: String, value: String)], value: Double)]
    ) {
        self.name = name
        self.help = help
        self.kind = kind
        self.samples = samples
    }

    func render(into writer: inout ExpositionWriter) {
        guard !samples.isEmpty else { return }
        let family = MetricFamily(name, kind == .counter ? .counter : .gauge, help: help)
        writer.header(family)
        for sample in samples {
            writer.line(family.sample, labels: ExpositionWriter.labelBlock(sample.labels), value: sample.value)
        }
    }
}
