/// How a ``VitalsExporter`` sends: where to and in which batches (``push``), how often, how much it may hold.
///
/// ```swift
/// var configuration = ExporterConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
/// configuration.maximumQueuedRecords = 50_000
/// let exporter = VitalsExporter(configuration: configuration)
/// ```
public struct ExporterConfiguration: Sendable, Hashable {
    /// The server, token, batch size and bytes, gzip, retry policy and request timeout, as for `vitals push`.
    /// The follow settings are not used.
    public var push = PushConfiguration()
    /// The longest a record waits before its batch is sent, however few records there are. Default 1 s;
    /// at least 1 ms.
    public var flushInterval = Duration.seconds(1)
    /// The most records held, those being sent included. A record that finds the queue full is dropped and
    /// counted (``VitalsExporter/Statistics/dropped``): memory stays bounded whatever the server does. Default
    /// 100,000.
    public var maximumQueuedRecords = 100_000
    /// At shutdown, how long the exporter keeps trying to send what it holds; what is left then is counted as
    /// lost (``VitalsExporter/Statistics/lost``). Default 5 s.
    public var shutdownTimeout = Duration.seconds(5)

    /// The defaults.
    public init() {}

    /// The defaults, with the server and token from `VITALS_SERVER` and `VITALS_TOKEN` when set.
    ///
    /// - Parameter environment: The environment to read, usually the process's.
    public static func fromEnvironment(_ environment: [String: String]) -> ExporterConfiguration {
        var configuration = ExporterConfiguration()
        configuration.push = .fromEnvironment(environment)
        return configuration
    }
}
