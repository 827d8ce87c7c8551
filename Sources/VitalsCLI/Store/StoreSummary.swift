import Vitals
import VitalsStore

/// `vitals summary --database PATH|URL --since 24h`: the summary of the events a store holds, rendered by the
/// same code as the summary of files.
enum StoreSummary {
    /// The summary of the events stored in the last `since` (see ``parseSince(_:)``).
    static func summary(database: String, since: String, options: SummaryOptions) async throws -> EventSummary {
        let window = try parseSince(since)
        return try await StoreOpening.withStore(database) { store in
            try await store.summary(range: .last(window), options: options, source: ImportCommand.displayName(database))
        }
    }

    /// A window such as `90s`, `30m`, `24h`, `7d` or `2w` (a bare number means hours).
    ///
    /// - Throws: ``StoreError`` of code ``StoreError/Code/invalidQuery`` naming the value and the expected form.
    static func parseSince(_ text: String) throws(StoreError) -> Duration {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
        var number = Substring(text)
        var scale = 3_600.0
        if let last = text.last, let unit = units[last] {
            number = text.dropLast()
            scale = unit
        }
        guard let value = Double(number), value > 0, value.isFinite else {
            throw StoreError(
                code: .invalidQuery,
                message: "--since \(text): expected a positive duration such as 30m, 24h or 7d"
            )
        }
        return .milliseconds(Int64((value * scale * 1_000).rounded()))
    }
}
