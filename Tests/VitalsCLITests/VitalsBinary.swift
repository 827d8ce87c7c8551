import Foundation
import VitalsTestSupport

/// Runs the built `vitals` executable, which sits next to the test bundle in the build folder.
enum VitalsBinary {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var url: URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().appendingPathComponent("vitals")
    }

    /// Runs `vitals` to its end, waiting on a thread of its own; one still running after two minutes is killed and
    /// the call throws.
    static func run(_ arguments: [String], input: String? = nil) async throws -> Output {
        let output = try await ChildProcess.run(
            url,
            arguments,
            input: input.map { Data($0.utf8) },
            timeLimit: .seconds(120)
        )
        return Output(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }
}

/// A temporary folder for the files of one test, removed when the test ends.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("vitals-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` to `name` in the folder and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = url.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A path in the folder.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
