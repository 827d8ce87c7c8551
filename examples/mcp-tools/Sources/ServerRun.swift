import Logging
import ServiceLifecycle
import VitalsAlerting
import VitalsServer
import VitalsStore

/// A `vitals serve` HTTP server run in this process, which the example can stop and start again on the same port
/// to simulate an outage. The store and the alerting service outlive it.
struct ServerRun {
    let port: Int
    private let group: ServiceGroup
    private let serving: Task<Void, any Error>

    /// Starts the server on `port` (0: any free port) and returns once it listens.
    static func start(
        _ settings: ServerConfiguration,
        port: Int = 0,
        store: BucketMetricStore,
        alerting: AlertingService,
        logger: Logger
    ) async throws -> ServerRun {
        var settings = settings
        settings.port = port
        let server = VitalsServer(configuration: settings, store: store, alerting: alerting)
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [server.makeApplication { listening.yield($0) }],
                logger: logger
            )
        )
        let serving = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else {
            try await serving.value
            throw ServerRunError(port: port)
        }
        return ServerRun(port: bound, group: group, serving: serving)
    }

    /// Stops accepting, lets requests in flight finish, and returns once the port is closed.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await serving.value
    }
}

/// The server ended before it listened (the port is taken, for instance).
struct ServerRunError: Error, CustomStringConvertible {
    var port: Int
    var description: String { "the server did not start on 127.0.0.1:\(port)" }
}
