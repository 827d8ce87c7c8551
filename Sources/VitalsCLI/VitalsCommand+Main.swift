import ArgumentParser
import Foundation

extension VitalsCommand {
    /// Parses the command line and runs the command, as ArgumentParser does, except that a malformed command
    /// line of `check`, `report` or `rules` exits with 2 and one of `compare` with 1 — their documented status
    /// for bad input — rather than ArgumentParser's 64, so that CI scripts see one status per outcome.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure, let status = badInputStatus(CommandLine.arguments) {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(status)
            }
            exit(withError: error)
        }
    }

    /// The bad-input status of the subcommand named on the command line, if it documents one.
    private static func badInputStatus(_ arguments: [String]) -> Int32? {
        switch arguments.dropFirst().first(where: { !$0.hasPrefix("-") }) {
        case "check", "report", "rules", "push": return 2
        case "compare": return 1
        default: return nil
        }
    }
}
