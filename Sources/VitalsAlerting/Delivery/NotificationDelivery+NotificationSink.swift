/// The delivery is where the alerting service's dispatcher sends its notifications.
///
/// ```swift
/// let delivery = try NotificationDelivery(receivers: receivers, store: store, transport: transport, logger: logger)
/// let alerting = AlertingService(configuration: configuration, store: store, state: store, sink: delivery)
/// let group = ServiceGroup(services: [alerting, delivery, server], logger: logger)
/// ```
extension NotificationDelivery: NotificationSink {
    /// ``statistics()`` as the `/metrics` families of the alerting service count: `dropped` is the notifications
    /// refused for good plus those given up after the maximum age, and the breaker is open while it is open or
    /// half-open.
    public nonisolated func figures() async -> [ReceiverFigures] {
        statistics().map { receiver in
            ReceiverFigures(
                receiver: receiver.receiver,
                sent: receiver.sent,
                failed: receiver.failedAttempts,
                heldBack: receiver.heldBack,
                dropped: receiver.dropped + receiver.expired,
                breakerOpen: receiver.breaker != .closed
            )
        }
    }

    /// Delivers while this server leads: reads the outbox, the log and the caps back from the store first
    /// (another server may have queued or sent notifications since this one last led), then sends until
    /// ``stopDelivering()``, letting attempts under way finish.
    public func deliverWhileLeading() async {
        restartFromStore()
        await runLeaderWorkers()
    }

    /// Ends ``deliverWhileLeading()`` once the attempts under way have finished.
    public func stopDelivering() async {
        requestStopOfLeaderWorkers()
    }
}
