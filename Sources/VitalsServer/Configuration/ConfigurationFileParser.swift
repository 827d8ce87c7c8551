import Vitals
import VitalsStore
import Yams

/// Reads `vitals.yml` into a ``ServerConfiguration``; every error names the file, the line and the key.
struct ConfigurationFileParser {
    let yaml: String
    let file: String

    func apply(to configuration: inout ServerConfiguration) throws(ServerConfigurationError) {
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else { return }
            root = composed
        } catch let failure as YamlError {
            throw ServerConfigurationError(code: .invalidYAML, message: "\(file): invalid YAML: \(failure)")
        } catch {
            throw ServerConfigurationError(code: .invalidYAML, message: "\(file): invalid YAML: \(error)")
        }
        let top = try mapping(root, "the file")
        for (keyNode, value) in top {
            let key = keyNode.string ?? ""
            switch key {
            case "host": configuration.host = try string(value, key)
            case "port": configuration.port = try integer(value, key, in: 0...65_535)
            case "database": configuration.database = try string(value, key)
            case "max_body_bytes": configuration.maxBodyBytes = try integer(value, key, in: 1...(1 << 30))
            case "ingest_queue": configuration.ingestQueue = try integer(value, key, in: 1...10_000)
            case "max_batch_records": configuration.maxBatchRecords = try integer(value, key, in: 1...10_000_000)
            case "body_timeout": configuration.bodyTimeout = try duration(value, key)
            case "retention_days":
                configuration.store.retention.rawEvents = .seconds(try integer(value, key, in: 1...3_650) * 86_400)
            case "maintenance_interval": configuration.maintenanceInterval = try duration(value, key)
            case "series_limit": configuration.store.seriesLimitPerName = try integer(value, key, in: 1...1_000_000)
            case "label_keys": configuration.store.labelKeys = try strings(value, key)
            case "max_streams": configuration.maxStreams = try integer(value, key, in: 0...100_000)
            case "metrics":
                for (subkey, subvalue) in try mapping(value, key) {
                    let name = "metrics.\(subkey.string ?? "")"
                    switch subkey.string {
                    case "series_limit":
                        configuration.metricsSeriesLimit = try integer(subvalue, name, in: 1...1_000_000)
                    default: throw unknown(subkey, name, expected: "series_limit")
                    }
                }
            case "tokens": configuration.tokens = try tokens(value)
            case "health":
                for (subkey, subvalue) in try mapping(value, key) {
                    let name = "health.\(subkey.string ?? "")"
                    switch subkey.string {
                    case "cache": configuration.healthCacheDuration = try duration(subvalue, name)
                    case "checks": configuration.healthChecks = try checks(subvalue)
                    default: throw unknown(subkey, name, expected: "cache, checks")
                    }
                }
            case "alerting": configuration.alerting = try alerting(value)
            default:
                throw unknown(
                    keyNode,
                    key,
                    expected: "host, port, database, max_body_bytes, ingest_queue, max_batch_records, body_timeout, "
                        + "retention_days, max_streams, "
                        + "maintenance_interval, series_limit, label_keys, metrics, tokens, health, alerting"
                )
            }
        }
    }

    // MARK: Sections

    private func tokens(_ node: Node) throws(ServerConfigurationError) -> [AccessToken] {
        guard case .sequence(let items) = node else {
            throw error(node, "`tokens` is not a list; expected `- token: …` entries with `scopes: [ingest, read]`")
        }
        var tokens: [AccessToken] = []
        for item in items {
            var secret: String?
            var scopes: Set<AccessScope> = []
            for (key, value) in try mapping(item, "a token entry") {
                switch key.string {
                case "token":
                    secret = try string(value, "tokens.token")
                case "scopes":
                    for name in try strings(value, "tokens.scopes") {
                        guard let scope = AccessScope(rawValue: name) else {
                            throw error(
                                value,
                                "tokens.scopes: unknown scope \"\(name)\"; expected ingest, read or admin"
                            )
                        }
                        scopes.insert(scope)
                    }
                default: throw unknown(key, "tokens.\(key.string ?? "")", expected: "token, scopes")
                }
            }
            guard let secret, !secret.isEmpty else { throw error(item, "a token entry has no `token:`") }
            guard !scopes.isEmpty else {
                throw error(item, "a token entry has no `scopes:`; expected ingest, read or admin")
            }
            tokens.append(AccessToken(token: secret, scopes: scopes))
        }
        return tokens
    }

    private func checks(_ node: Node) throws(ServerConfigurationError) -> [HealthCheckDeclaration] {
        guard case .sequence(let items) = node else {
            throw error(node, "`health.checks` is not a list; expected `- name: …` entries with `http:` or `tcp:`")
        }
        var checks: [HealthCheckDeclaration] = []
        for item in items {
            var name: String?
            var target: HealthCheckDeclaration.Target?
            var timeout = Duration.seconds(2)
            for (key, value) in try mapping(item, "a health check") {
                switch key.string {
                case "name": name = try string(value, "health.checks.name")
                case "http":
                    let url = try string(value, "health.checks.http")
                    guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                        throw error(value, "health.checks.http: \"\(url)\" is not an http:// or https:// URL")
                    }
                    target = .http(url: url)
                case "tcp":
                    let address = try string(value, "health.checks.tcp")
                    guard let colon = address.lastIndex(of: ":"),
                        let port = Int(address[address.index(after: colon)...]),
                        (1...65_535).contains(port), colon != address.startIndex
                    else {
                        throw error(value, "health.checks.tcp: \"\(address)\" is not HOST:PORT")
                    }
                    target = .tcp(host: String(address[..<colon]), port: port)
                case "timeout": timeout = try duration(value, "health.checks.timeout")
                default: throw unknown(key, "health.checks.\(key.string ?? "")", expected: "name, http, tcp, timeout")
                }
            }
            guard let name, !name.isEmpty else { throw error(item, "a health check has no `name:`") }
            guard name != "database" else {
                throw error(item, "health check name \"database\" is reserved for the store")
            }
            guard let target else { throw error(item, "health check \"\(name)\" has neither `http:` nor `tcp:`") }
            checks.append(HealthCheckDeclaration(name: name, target: target, timeout: timeout))
        }
        return checks
    }

    // MARK: Values

    func mapping(_ node: Node, _ what: String) throws(ServerConfigurationError) -> [(Node, Node)] {
        guard case .mapping(let pairs) = node else {
            throw error(node, "\(what) is not a mapping; expected `key: value` lines")
        }
        return pairs.map { ($0.key, $0.value) }
    }

    func string(_ node: Node, _ key: String) throws(ServerConfigurationError) -> String {
        guard case .scalar(let scalar) = node else { throw error(node, "\(key): expected a single value") }
        return scalar.string
    }

    func strings(_ node: Node, _ key: String) throws(ServerConfigurationError) -> [String] {
        switch node {
        case .scalar(let scalar): return [scalar.string]
        case .sequence(let items):
            var values: [String] = []
            for item in items { values.append(try string(item, key)) }
            return values
        default: throw error(node, "\(key): expected a list of values")
        }
    }

    func integer(
        _ node: Node,
        _ key: String,
        in range: ClosedRange<Int>
    ) throws(ServerConfigurationError) -> Int {
        let text = try string(node, key)
        guard let value = Int(text), range.contains(value) else {
            throw error(
                node,
                "\(key): expected a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(text)\""
            )
        }
        return value
    }

    /// `500ms`, `2s`, `5m`, `1h`, or a bare number of seconds.
    func duration(_ node: Node, _ key: String) throws(ServerConfigurationError) -> Duration {
        let text = try string(node, key)
        guard let duration = DurationText.parse(text), duration > .zero else {
            throw error(node, "\(key): expected a positive \(DurationText.expected), got \"\(text)\"")
        }
        return duration
    }

    func unknown(_ node: Node, _ key: String, expected: String) -> ServerConfigurationError {
        let mark = node.mark.map { "\($0.line)" } ?? "1"
        return ServerConfigurationError(
            code: .unknownKey,
            message: "\(file):\(mark): unknown key \"\(key)\"; expected one of \(expected)"
        )
    }

    func error(_ node: Node, _ message: String) -> ServerConfigurationError {
        let mark = node.mark.map { "\($0.line)" } ?? "1"
        return ServerConfigurationError(code: .invalidValue, message: "\(file):\(mark): \(message)")
    }
}
