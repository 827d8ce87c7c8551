package import Vitals
package import VitalsStore

/// The time windows of the window selector: `?window=15m|1h|6h|24h|7d|30d`, ending now.
package enum DashboardWindow: String, Sendable, CaseIterable {
    case fifteenMinutes = "15m"
    case hour = "1h"
    case sixHours = "6h"
    case day = "24h"
    case week = "7d"
    case month = "30d"

    /// The window of a `window=` value (`1h` when absent).
    ///
    /// - Throws: ``DashboardError`` naming the accepted values.
    package init(parameter: String?) throws(DashboardError) {
        guard let parameter else {
            self = .hour
            return
        }
        guard let window = DashboardWindow(rawValue: parameter) else {
            throw DashboardError(
                "window=\(parameter.prefix(64)): expected one of "
                    + DashboardWindow.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        self = window
    }

    /// The length in seconds.
    package var seconds: Int64 {
        switch self {
        case .fifteenMinutes: 900
        case .hour: 3_600
        case .sixHours: 21_600
        case .day: 86_400
        case .week: 604_800
        case .month: 2_592_000
        }
    }

    /// The chart step: about 30 to 60 points per window, always whole minutes as the store requires.
    package var step: Duration {
        switch self {
        case .fifteenMinutes: .seconds(60)
        case .hour: .seconds(120)
        case .sixHours: .seconds(600)
        case .day: .seconds(1_800)
        case .week: .seconds(14_400)
        case .month: .seconds(86_400)
        }
    }

    /// The step for people: "1 minute", "30 minutes", "4 hours", "1 day".
    package var stepTitle: String {
        switch self {
        case .fifteenMinutes: "1 minute"
        case .hour: "2 minutes"
        case .sixHours: "10 minutes"
        case .day: "30 minutes"
        case .week: "4 hours"
        case .month: "1 day"
        }
    }

    /// A label for people: "last 15 minutes".
    package var title: String {
        switch self {
        case .fifteenMinutes: "last 15 minutes"
        case .hour: "last hour"
        case .sixHours: "last 6 hours"
        case .day: "last 24 hours"
        case .week: "last 7 days"
        case .month: "last 30 days"
        }
    }

    /// The window ending at `now`.
    package func range(endingAt now: Timestamp) -> TimeRange {
        .last(.seconds(seconds), endingAt: now)
    }
}

/// A dashboard parameter that cannot be used: the page answers 400 with this message.
package struct DashboardError: Error, Sendable, CustomStringConvertible {
    /// What was wrong and what is expected, for the person who typed the address.
    package var message: String

    package init(_ message: String) { self.message = message }

    package var description: String { message }
}
