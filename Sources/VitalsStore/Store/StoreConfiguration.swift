public import Vitals

/// What a store keeps and how: which labels make a series, how many series a name may have, which numeric
/// attributes are summed per bucket, how long data is kept, and how hard a commit waits for the disk.
///
/// ```swift
/// var configuration = StoreConfiguration.default
/// configuration.labelKeys.append("region")
/// configuration.seriesLimitPerName = 5_000
/// let store = try await SQLiteMetricStore(path: "vitals.db", configuration: configuration)
/// ```
public struct StoreConfiguration: Sendable, Hashable {
    /// The label keys that identify an event's series: the identity labels plus `model`, `provider`, `tool`,
    /// `phase`, `route`, `status`, `stage` and `tier` by default (``SeriesKey/defaultLabelKeys``).
    ///
    /// A key is taken from the event's labels, else from an attribute that is text, an integer (its decimal
    /// text) or a boolean (`true`/`false`); a fractional number never becomes a label. Gauge samples use all of
    /// their labels.
    public var labelKeys: [String]
    /// The most series one event or gauge name may have; the excess is folded into one series labelled
    /// `__overflow__` and counted. Default 1,000.
    public var seriesLimitPerName: Int
    /// Numeric attributes summed per bucket (tokens, cost). Default `prompt_tokens`, `completion_tokens`,
    /// `cached_tokens`, `total_tokens`, `cost_usd`.
    public var additiveAttributes: [String]
    /// Whether raw events are kept for drill-down. Default `true`.
    public var keepsRawEvents: Bool
    /// How long each level of data is kept. Default ``RetentionPolicy/default``; `METRICS_RETENTION_DAYS`
    /// sets the raw-event retention through ``fromEnvironment(_:)``.
    public var retention: RetentionPolicy
    /// Rows deleted per transaction by retention, so that deletion never holds the writer for long.
    /// Default 5,000.
    public var deletionChunkSize: Int

    /// Creates a configuration; every argument defaults to the documented default.
    public init(
        labelKeys: [String] = SeriesKey.defaultLabelKeys,
        seriesLimitPerName: Int = 1_000,
        additiveAttributes: [String] = StoreConfiguration.defaultAdditiveAttributes,
        keepsRawEvents: Bool = true,
        retention: RetentionPolicy = .default,
        deletionChunkSize: Int = 5_000
    ) {
        self.labelKeys = labelKeys
        self.seriesLimitPerName = seriesLimitPerName
        self.additiveAttributes = additiveAttributes
        self.keepsRawEvents = keepsRawEvents
        self.retention = retention
        self.deletionChunkSize = deletionChunkSize
    }

    /// The documented defaults.
    public static let `default` = StoreConfiguration()

    /// The defaults, with `METRICS_RETENTION_DAYS` applied (see ``RetentionPolicy/fromEnvironment(_:)``).
    public static func fromEnvironment(_ environment: [String: String]) throws(StoreError) -> StoreConfiguration {
        var configuration = StoreConfiguration.default
        configuration.retention = try RetentionPolicy.fromEnvironment(environment)
        return configuration
    }

    /// `prompt_tokens`, `completion_tokens`, `cached_tokens`, `total_tokens`, `cost_usd`.
    public static let defaultAdditiveAttributes: [String] = [
        WireKey.promptTokens, WireKey.completionTokens, WireKey.cachedTokens, WireKey.totalTokens, WireKey.costUSD,
    ]
}
