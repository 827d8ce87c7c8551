import ArgumentParser
import VitalsServer

@main
struct VitalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vitals",
        abstract: "Performance tracker and monitor for AI-agent systems.",
        version: VitalsServer.version,
        subcommands: [
            SummaryCommand.self, CheckCommand.self, CompareCommand.self, ReportCommand.self, RulesCommand.self,
            ImportCommand.self, ServeCommand.self, PushCommand.self, AlertsCommand.self, BenchCommand.self,
        ]
    )
}
