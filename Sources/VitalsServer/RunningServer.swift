public import ServiceLifecycle

/// A ``VitalsServer`` running in the background of the calling process, for programs that embed one (the examples,
/// a test harness, a worker that serves its own dashboard): it listens once ``VitalsServer/start(services:)``
/// returns, and ``stop()`` ends it gracefully.
///
/// ```swift
/// let running = try await VitalsServer(configuration: settings, store: store).start()
/// print("serving on http://127.0.0.1:\(running.port)")
/// …
/// try await running.stop()   // requests in flight finish first; the caller closes the store afterwards
/// ```
public struct RunningServer: Sendable {
    /// The port the server listens on (the real one when the configuration asked for port 0).
    public let port: Int
    private let group: ServiceGroup
    private let serving: Task<Void, any Error>

    fileprivate init(port: Int, group: ServiceGroup, serving: Task<Void, any Error>) {
        self.port = port
        self.group = group
        self.serving = serving
    }

    /// Stops accepting, lets the requests in flight finish, stops the services started with the server, and
    /// returns once all of them have ended; rethrows what ended one of them with an error.
    public func stop() async throws {
        await group.triggerGracefulShutdown()
        try await serving.value
    }
}

/// Why ``VitalsServer/start(services:)`` failed: the server ended before it listened (its port is taken, for
/// instance).
public struct ServerStartError: Error, CustomStringConvertible {
    /// Where the server was asked to listen.
    public var host: String
    public var port: Int
    /// What ended it, when something was thrown.
    public var underlying: (any Error)?

    public var description: String {
        "the server did not start on \(host):\(port)" + (underlying.map { ": \($0)" } ?? "")
    }
}

extension VitalsServer {
    /// Starts the HTTP server, and `services` beside it (an `AlertingService`, say), in the background, and returns
    /// once it listens. Unlike ``run(services:onListening:)`` it installs no signal handler and runs no store
    /// maintenance: the embedding program decides both.
    ///
    /// - Parameter services: Services that start with the server and stop with it, after it.
    /// - Returns: The running server, with its port.
    /// - Throws: ``ServerStartError`` when the server ended before it listened.
    public func start(services: [any Service] = []) async throws -> RunningServer {
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services + [makeApplication { listening.yield($0) }],
                logger: logger
            )
        )
        let serving = Task {
            defer { listening.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            let failure: (any Error)?
            do {
                try await serving.value
                failure = nil
            } catch {
                failure = error
            }
            throw ServerStartError(host: configuration.host, port: configuration.port, underlying: failure)
        }
        return RunningServer(port: port, group: group, serving: serving)
    }
}
