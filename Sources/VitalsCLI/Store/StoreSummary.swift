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

    /// A window such as `90s`, `30m`, `24h`, `7d` or `2w`, in the syntax of ``DurationText`` (a bare number is
    /// seconds, as everywhere in Vitals).
    ///
    /// - Throws: ``StoreError`` of code ``StoreError/Code/invalidQuery`` naming the value and the expected form.
    static func parseSince(_ text: String) throws(StoreError) -> Duration {
        guard let duration = DurationText.parse(text), duration > .zero else {
            throw StoreError(
                code: .invalidQuery,
                message: "--since \(text): expected a positive \(DurationText.expected)"
            )
        }
        return duration
    }
}
