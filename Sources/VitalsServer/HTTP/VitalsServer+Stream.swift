import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization
import Vitals
import VitalsDashboard

extension VitalsServer {
    /// The longest a stream goes without an update; the update doubles as the heartbeat that keeps proxies from
    /// closing an idle connection.
    static let streamInterval: Duration = .seconds(5)
    /// The shortest time between two updates of one stream, however fast batches arrive.
    static let streamMinimumGap: Duration = .milliseconds(500)
    /// How often a stream looks for a new batch, for shutdown and for a closed connection.
    static let streamPoll: Duration = .milliseconds(250)

    /// `GET /v1/stream?window=1h`: Server-Sent Events, an `update` with the overview's figures at once, within
    /// ``streamMinimumGap`` plus ``streamPoll`` of a committed batch, and at least every ``streamInterval``. At most
    /// `max_streams` at once (503 with `Retry-After` past it); every stream ends when graceful shutdown begins.
    func stream(_ request: Request) throws -> Response {
        let parameters: [String: String]
        let window: DashboardWindow
        do {
            parameters = try dashboardParameters(request, allowed: ["window"])
            window = try DashboardWindow(parameter: parameters["window"])
        } catch {
            throw APIError(.badRequest, "\(error)")
        }
        guard acquireStream() else {
            throw APIError(
                .serviceUnavailable,
                "\(configuration.maxStreams) live streams are open, the most this server allows (max_streams); "
                    + "retry later",
                headers: [.retryAfter: "10"]
            )
        }
        // The place is given back when the body's closure is released: after the stream ends, and also when the
        // connection closed before the body was ever written.
        let place = StreamPlace(server: self)
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            var sentGeneration: UInt64?
            var sentAt = ContinuousClock.now
            while !self.isShuttingDown && !Task.isCancelled && !Task.isShuttingDownGracefully {
                let generation = self.changeGeneration.load(ordering: .acquiring)
                let elapsed = ContinuousClock.now - sentAt
                if sentGeneration == nil || elapsed >= Self.streamInterval
                    || (generation != sentGeneration && elapsed >= Self.streamMinimumGap)
                {
                    let data = try await self.sharedOverviews.value(window, current: generation, wanted: generation) {
                        try await self.overview(window)
                    }
                    try await writer.write(ByteBuffer(string: LiveUpdate.event(data, generation: generation)))
                    sentGeneration = generation
                    sentAt = ContinuousClock.now
                }
                try await Task.sleep(for: Self.streamPoll)
            }
            try await writer.finish(nil)
            withExtendedLifetime(place) {}
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
            body: body
        )
    }

    /// Takes one of the `max_streams` places; `false` when none is free.
    private func acquireStream() -> Bool {
        if openStreams.add(1, ordering: .acquiringAndReleasing).newValue <= configuration.maxStreams { return true }
        openStreams.subtract(1, ordering: .acquiringAndReleasing)
        return false
    }

    fileprivate func releaseStream() {
        openStreams.subtract(1, ordering: .acquiringAndReleasing)
    }

    /// Called after every committed batch and every alert action, so that open streams send an update and open
    /// pages fetch their content again.
    func noteChange() {
        changeGeneration.add(1, ordering: .acquiringAndReleasing)
    }
}

/// One of the `max_streams` places, given back when the last reference to it goes.
private final class StreamPlace: Sendable {
    let server: VitalsServer

    init(server: VitalsServer) { self.server = server }

    deinit { server.releaseStream() }
}
