import ArgumentParser
import Foundation

extension VitalsCommand {
    /// Parses the command line and runs the command, as ArgumentParser does, except that a malformed command
    /// line exits with 2 — every subcommand's status for bad input — rather than ArgumentParser's 64, so that CI
    /// scripts see one status per outcome.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                CommandSupport.printError(fullMessage(for: error))
                Foundation.exit(CommandSupport.badInputStatus)
            }
            exit(withError: error)
        }
    }
}
