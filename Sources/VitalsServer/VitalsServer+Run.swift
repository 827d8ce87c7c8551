public import Hummingbird
import Logging
import NIOCore
public import ServiceLifecycle
import UnixSignals
import VitalsStore

extension VitalsServer {
    /// The Hummingbird application on the configured host and port.
    ///
    /// - Parameter onListening: Called with the bound port once the server accepts connections (the real port
    ///   when the configuration asks for port 0).
    public func makeApplication(
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "vitals/\(Self.version)"
            ),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    /// Runs the server and the store's roll-up and retention service until SIGTERM or SIGINT, plus any `services`
    /// (the demo fleet, for instance).
    ///
    /// On the signal, readiness turns false first, then the HTTP server stops accepting and lets requests in flight
    /// finish, then the other services stop; the caller closes the store afterwards, which flushes it.
    public func run(
        services: [any Service] = [],
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let maintenance = StoreMaintenanceService(
            store: store,
            interval: configuration.maintenanceInterval,
            logger: logger
        )
        // Services shut down in reverse order: readiness first, then the extras, then HTTP, then maintenance.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [maintenance, makeApplication(onListening: onListening)] + services + [
                    ReadinessService(server: self)
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}

/// Turns readiness false as soon as graceful shutdown begins, before the HTTP server stops.
struct ReadinessService: Service {
    let server: VitalsServer

    func run() async throws {
        try? await gracefulShutdown()
        server.beginShutdown()
        server.logger.info("shutting down: readiness is false, finishing requests in flight")
    }
}
