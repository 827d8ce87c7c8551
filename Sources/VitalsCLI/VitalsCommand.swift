import ArgumentParser

@main
struct VitalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vitals",
        abstract: "Performance tracker and monitor for AI-agent systems.",
        subcommands: [
            SummaryCommand.self, CheckCommand.self, CompareCommand.self, ReportCommand.self, RulesCommand.self,
            ImportCommand.self, ServeCommand.self, PushCommand.self, AlertsCommand.self, BenchCommand.self,
        ]
    )
}
