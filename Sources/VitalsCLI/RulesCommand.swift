import ArgumentParser
import VitalsRules

/// `vitals rules`: list, print and validate rule packs and files.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List, print and validate rule packs and rule files.",
        subcommands: [List.self, Show.self, Validate.self]
    )

    /// `vitals rules list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the built-in rule packs.")

        func run() async throws {
            var lines: [String] = []
            for pack in RulePacks.all {
                let summary = pack.description.map { String($0.prefix { $0 != "." }) + "." } ?? ""
                lines.append("\(pack.name) (\(pack.rules.count) rules): \(summary)")
            }
            try CommandSupport.emit(lines.joined(separator: "\n") + "\n", to: nil, subcommand: "rules")
        }
    }

    /// `vitals rules show NAME`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a built-in pack's YAML, to copy and edit.",
            discussion: "Exit status 2 for an unknown pack."
        )

        @Argument(help: "The pack's name.")
        var name: String

        func run() async throws {
            guard let yaml = RulePacks.yaml(named: name) else {
                throw CommandSupport.badInput(
                    "rules",
                    "\(name): no built-in pack of this name; expected one of \(RulePacks.names.joined(separator: ", "))"
                        + Suggestion.didYouMean(name, among: RulePacks.names)
                )
            }
            try CommandSupport.emit(yaml, to: nil, subcommand: "rules")
        }
    }

    /// `vitals rules validate FILE…`.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check rule files without evaluating them.",
            discussion: "Prints one line per file; exit status 0 when all are valid, 2 otherwise."
        )

        @Argument(help: "Rule files or pack names.")
        var files: [String]

        func run() async throws {
            var sets: [RuleSet] = []
            var failed = false
            for file in files {
                do throws(RuleError) {
                    let set = try RuleSet.resolve(file)
                    sets.append(set)
                    print("\(file): \(set.rules.count) rules, valid")
                } catch {
                    CommandSupport.printError(error.description)
                    failed = true
                }
            }
            if !failed {
                do {
                    _ = try RuleSet.combined(sets)
                } catch {
                    CommandSupport.printError(error.description)
                    failed = true
                }
            }
            if failed { throw ExitCode(CommandSupport.badInputStatus) }
        }
    }
}
