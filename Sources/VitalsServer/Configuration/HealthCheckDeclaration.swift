/// A health check declared in the configuration: an HTTP GET of a URL (healthy on 2xx) or a TCP connect.
///
/// ```yaml
/// health:
///   checks:
///     - name: llm_gateway
///       http: http://127.0.0.1:9000/health
///       timeout: 2s
///     - name: postgres
///       tcp: 127.0.0.1:5432
/// ```
public struct HealthCheckDeclaration: Sendable, Hashable {
    /// What the check probes.
    public enum Target: Sendable, Hashable {
        /// GET of this URL; healthy on a 2xx answer.
        case http(url: String)
        /// A TCP connection to this host and port.
        case tcp(host: String, port: Int)
    }

    /// The name shown under `checks` in `/health`.
    public var name: String
    /// What the check probes.
    public var target: Target
    /// How long the check may take before it counts as down. Default 2 s.
    public var timeout: Duration

    /// Creates a declaration.
    public init(name: String, target: Target, timeout: Duration = .seconds(2)) {
        self.name = name
        self.target = target
        self.timeout = timeout
    }
}
