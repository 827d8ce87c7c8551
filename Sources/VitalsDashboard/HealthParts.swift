import Foundation
package import VitalsRules

/// How the dashboard writes a health score and the points of its parts (success, error rate, duration, workload,
/// cache hit, recency), so the overview, the agents table and an agent's page say it the same way.
package enum HealthParts {
    /// One part of a score: its name, the points earned and the most it can earn.
    package typealias Part = (name: String, points: Double, maximum: Double)

    /// The mean points of each part over `scores` (parts in the order of `HealthScore.components`).
    package static func mean(_ scores: [HealthScore]) -> [Part] {
        guard let first = scores.first else { return [] }
        return first.components.indices.map { index in
            let points = scores.map { $0.components[index].points }.reduce(0, +) / Double(scores.count)
            return (first.components[index].name, points, first.components[index].maximum)
        }
    }

    /// `success 25/25 · error rate 19/25 · …`, points rounded to whole numbers.
    package static func text(_ parts: [Part]) -> String {
        parts.map { "\($0.name) \(whole($0.points))/\(whole($0.maximum))" }.joined(separator: " · ")
    }

    /// `success 25 · errors 19 · …`: the points only, with short names, for a table row; ``maxima(_:)`` says out of
    /// how much once above the table.
    package static func compact(_ parts: [Part]) -> String {
        parts.map { "\(shortName($0.name)) \(whole($0.points))" }.joined(separator: " · ")
    }

    /// `success 25, errors 25, …`: the most each part can earn.
    package static func maxima(_ parts: [Part]) -> String {
        parts.map { "\(shortName($0.name)) \(whole($0.maximum))" }.joined(separator: ", ")
    }

    static func shortName(_ name: String) -> String {
        switch name {
        case "error rate": "errors"
        case "cache hit": "cache"
        default: name
        }
    }

    /// The score with a sign and a class: `✓ 87` (70 and over), `▲ 55` (40 to 70), `✗ 31` (under 40), the
    /// thresholds of the report's agent status.
    package static func scoreHTML(_ score: Double) -> String {
        let (sign, style) = score >= 70 ? ("✓", "status-ok") : score >= 40 ? ("▲", "status-warn") : ("✗", "status-bad")
        return "<span class=\"\(style)\">\(sign) \(String(format: "%.1f", score))</span>"
    }

    static func whole(_ value: Double) -> String { String(format: "%.0f", value) }
}
