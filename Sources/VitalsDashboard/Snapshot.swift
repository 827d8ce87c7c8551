import Foundation
package import Vitals

/// What `GET /snapshot` adds to the report it renders: the overview's figures, with the same text as the overview
/// page shows, and the download's file name.
package enum Snapshot {
    /// The labels of the overview's figures, by the key the live stream sends them under.
    static let labels: [String: String] = [
        "events_per_s": "Events per second", "count": "Events", "errors": "Errors", "error_rate": "Error rate",
        "p50": "p50 latency", "p95": "p95 latency", "p99": "p99 latency", "tokens_per_h": "Tokens per hour",
        "cost_per_h": "Cost per hour", "alerts_firing": "Alerts firing", "alerts_pending": "Alerts pending",
    ]

    /// The overview's figures as label and value, in the overview's order; tokens and cost only when the window has
    /// them.
    package static func figures(_ data: OverviewData) -> [(label: String, value: String)] {
        data.liveValues.compactMap { key, text in
            if key == "tokens_per_h", data.tokensPerHour == nil { return nil }
            if key == "cost_per_h", data.costPerHour == nil { return nil }
            return (labels[key] ?? key, text)
        }
    }

    /// `vitals-snapshot-20261204T212500Z.html`.
    package static func fileName(_ time: Timestamp) -> String {
        let stamp = time.rfc3339.prefix(19).filter { $0 != "-" && $0 != ":" }
        return "vitals-snapshot-\(stamp)Z.html"
    }
}
