/// Code of the embedding program that receives notifications in process (the original `add_alert_callback`).
///
/// A call that throws counts as a failed attempt and is retried with backoff like an HTTP receiver's; the
/// handler sees a notification at least once and may see it again after a failure or a restart
/// (``AlertNotification/id`` tells repeats apart).
///
/// ```swift
/// struct PageOnCall: NotificationHandler {
///     func handle(_ notification: AlertNotification) async throws {
///         guard notification.status == .firing else { return }
///         try await pager.page(notification.title)
///     }
/// }
/// let receiver = ReceiverConfiguration(name: "pager", kind: .handler(PageOnCall()))
/// ```
public protocol NotificationHandler: Sendable {
    /// Receives one notification.
    ///
    /// - Parameter notification: The notification, its held-back lines included.
    /// - Throws: Any error, to have the notification sent again later.
    func handle(_ notification: AlertNotification) async throws
}
