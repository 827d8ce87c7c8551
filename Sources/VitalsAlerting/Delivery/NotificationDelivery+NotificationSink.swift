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
}
