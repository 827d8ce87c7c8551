import Foundation
import Vitals

/// Alertmanager's webhook message, version 4, field for field, so that its consumers work unchanged.
///
/// Times are RFC 3339 in UTC; an alert that has not resolved ends at `0001-01-01T00:00:00Z`, Go's zero time,
/// as Alertmanager writes it. Vitals adds nothing to the payload: the held-back lines of the hourly cap go in
/// `commonAnnotations.held_back` (one per line) only when there are some, which Alertmanager consumers read as
/// one more annotation.
struct AlertmanagerPayload: Encodable {
    struct Alert: Encodable {
        var status: String
        var labels: [String: String]
        var annotations: [String: String]
        var startsAt: String
        var endsAt: String
        var generatorURL: String
        var fingerprint: String
    }

    var version = "4"
    var groupKey: String
    var truncatedAlerts: Int
    var status: String
    var receiver: String
    var groupLabels: [String: String]
    var commonLabels: [String: String]
    var commonAnnotations: [String: String]
    var externalURL: String
    var alerts: [Alert]

    static let zeroTime = "0001-01-01T00:00:00Z"

    init(_ notification: AlertNotification, maximumAlerts: Int) {
        let kept = maximumAlerts > 0 ? Array(notification.alerts.prefix(maximumAlerts)) : notification.alerts
        groupKey = notification.groupKey
        truncatedAlerts = notification.alerts.count - kept.count
        status = notification.status.rawValue
        receiver = notification.receiver
        groupLabels = notification.groupLabels
        commonLabels = notification.commonLabels
        commonAnnotations = notification.commonAnnotations
        if !notification.heldBack.isEmpty {
            commonAnnotations["held_back"] =
                AlertText.heldBackHeading(notification.heldBack.count) + ":\n"
                + notification.heldBack.joined(separator: "\n")
        }
        externalURL = notification.externalURL
        alerts = kept.map { alert in
            Alert(
                status: alert.status.rawValue,
                labels: alert.labels,
                annotations: alert.annotations,
                startsAt: Self.time(alert.startsAt),
                endsAt: alert.endsAt.map(Self.time) ?? Self.zeroTime,
                generatorURL: AlertText.dashboardLink(for: alert, externalURL: notification.externalURL) ?? "",
                fingerprint: alert.fingerprint
            )
        }
    }

    /// RFC 3339 in UTC with the fraction Go would write: none for whole seconds, otherwise without trailing
    /// zeros.
    static func time(_ timestamp: Timestamp) -> String {
        var text = timestamp.rfc3339
        guard text.hasSuffix("Z"), text.contains(".") else { return text }
        text.removeLast()
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "Z"
    }

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, integers and string maps cannot fail to encode.
        return Array((try? encoder.encode(self)) ?? Data())
    }
}
