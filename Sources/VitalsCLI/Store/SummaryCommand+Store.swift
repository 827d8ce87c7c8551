import ArgumentParser
import Vitals

extension SummaryCommand {
    /// `vitals summary --database … --since 24h`: the same summary, from the events a store holds.
    func runFromStore(_ database: String) async throws {
        guard files == ["-"] else {
            throw CommandSupport.badInput("summary", "give either files or --database, not both")
        }
        let summary: EventSummary
        do {
            summary = try await StoreSummary.summary(
                database: database,
                since: since,
                options: SummaryOptions(groupBy: by, slowestLimit: slowest, failedLimit: failed)
            )
        } catch {
            throw CommandSupport.badInput("summary", "\(error)")
        }
        switch format {
        case .json:
            print(summary.renderJSON())
        case .text:
            print(
                "\(summary.eventCount) events from \(ImportCommand.displayName(database)) over the last \(since)\n"
            )
            print(summary.renderText(), terminator: "")
        }
    }
}
