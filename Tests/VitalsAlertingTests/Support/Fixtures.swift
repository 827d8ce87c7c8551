import Logging
import Testing
import Vitals
import VitalsAlerting
import VitalsStore

enum Fixtures {
    static let start = Timestamp(nanosecondsSinceEpoch: 1_765_771_688_123_456_000)  // 2025-12-15T04:08:08.123456Z
    static let externalURL = "http://vitals.test:8080"

    /// Milliseconds of backoff, a breaker that opens after 5 failures for 50 ms: tests wait milliseconds.
    static let fastDelivery = DeliveryConfiguration(
        retryBaseDelay: .milliseconds(2),
        retryMaximumDelay: .milliseconds(10),
        breakerCooldown: .milliseconds(50),
        breakerMaximumCooldown: .milliseconds(200)
    )

    static func alert(
        _ rule: String = "high_latency",
        severity: String = "critical",
        group: [String: String] = ["agent_id": "planner"],
        status: AlertStatus = .firing,
        fingerprint: String? = nil,
        annotations: [String: String] = [
            "summary": "p95 latency of planner is 12.5 s",
            "value": "12.5",
            "threshold": "10",
            "recommendation": "Check the model provider's status page",
        ]
    ) -> AlertSnapshot {
        var labels = group
        labels["alertname"] = rule
        labels["severity"] = severity
        let key = group.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return AlertSnapshot(
            fingerprint: fingerprint ?? "fp-\(rule)-\(key)",
            status: status,
            labels: labels,
            annotations: annotations,
            startsAt: start,
            endsAt: status == .resolved ? start.adding(milliseconds: 300_000) : nil,
            value: 12.5
        )
    }

    static func notification(
        _ sequence: Int = 1,
        receiver: String = "hook",
        group: String = "planner",
        alerts: [AlertSnapshot]? = nil
    ) -> AlertNotification {
        let groupKey = "{}:{agent_id=\"\(group)\"}"
        return AlertNotification(
            id: "\(receiver)/\(groupKey)/\(sequence)",
            receiver: receiver,
            groupKey: groupKey,
            groupLabels: ["agent_id": group],
            alerts: alerts ?? [alert(group: ["agent_id": group])],
            externalURL: externalURL,
            createdAt: start
        )
    }
}

struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Polls `condition` every 5 ms (a real sleep, which leaves the shared threads free) for up to 20 s.
func eventually(
    _ what: String,
    within limit: Duration = .seconds(20),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    throw TimedOut(what: what)
}

/// Runs `delivery` while `body` runs, then cancels it.
func whileRunning<T: Sendable>(_ delivery: NotificationDelivery, _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await delivery.run() }
        defer { group.cancelAll() }
        return try await body()
    }
}

extension NotificationDelivery {
    /// The statistics of one receiver.
    nonisolated func statistics(of receiver: String) -> ReceiverStatistics? {
        statistics().first { $0.receiver == receiver }
    }
}
