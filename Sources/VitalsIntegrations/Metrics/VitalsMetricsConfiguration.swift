/// Settings of ``VitalsMetricsFactory``.
///
/// ```swift
/// var configuration = VitalsMetricsConfiguration.default
/// configuration.seriesLimit = 200
/// let factory = VitalsMetricsFactory(configuration: configuration)
/// ```
public struct VitalsMetricsConfiguration: Sendable {
    /// Series (dimension sets) per metric label before further dimension sets fold into one series labelled
    /// `overflow=true`. Default 1,000, the cap of DESIGN.md; no environment variable.
    public var seriesLimit = 1_000
    /// Metric labels (names) per kind of metric before further labels fold into one series named
    /// `__overflow__` with `overflow=true`. Default 1,000; no environment variable.
    public var labelLimit = 1_000
    /// Dimensions kept per metric; the rest are ignored. Default 16; no environment variable.
    public var maximumDimensions = 16
    /// UTF-8 bytes kept of a label, dimension key or dimension value; longer text is cut on a character boundary.
    /// Default 256; no environment variable.
    public var maximumTextLength = 256
    /// Whether each timer recording is also recorded as an event into the task's ``Vitals/EventCollector`` (the
    /// one bound by `withEventCollector`), when there is one. Default `true`; no environment variable.
    public var recordsEvents = true

    /// The defaults.
    public static let `default` = VitalsMetricsConfiguration()

    /// The defaults.
    public init() {}
}
