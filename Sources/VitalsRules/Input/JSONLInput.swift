public import Vitals

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the records of JSONL files for the `check`, `compare` and `report` commands, streaming: memory
/// does not grow with the files' size.
///
/// ```swift
/// try JSONLInput.read(paths: ["metrics.jsonl"], strict: true) { record in evaluator.add(record) }
/// ```
public enum JSONLInput {
    /// Reads every record of every file in order (`-` is standard input) and passes it to `body`.
    ///
    /// - Parameters:
    ///   - paths: Files to read.
    ///   - strict: When true, the first bad line stops reading with an error; otherwise bad lines are reported
    ///     to `onBadLine` (as `FILE:LINE: reason`) and skipped.
    ///   - onBadLine: Receives each skipped bad line's error.
    ///   - body: Receives each record.
    /// - Throws: `InputError` when a file cannot be read, or on a bad line in strict mode.
    public static func read(
        paths: [String],
        strict: Bool,
        onBadLine: (InputError) -> Void = { _ in },
        _ body: (Record) -> Void
    ) throws(InputError) {
        for path in paths {
            try readFile(path) { line, result throws(InputError) in
                switch result {
                case .success(let record):
                    body(record)
                case .failure(let failure):
                    let error = InputError(code: .badLine, file: path, line: line, message: failure.reason)
                    if strict { throw error }
                    onBadLine(error)
                }
            }
        }
    }

    /// The files a command-line argument names: the argument itself, or the files a glob pattern (`*`, `?`,
    /// `[…]`) matches, sorted.
    ///
    /// - Throws: `InputError` when a pattern matches nothing.
    public static func expand(_ argument: String) throws(InputError) -> [String] {
        guard argument.contains(where: { "*?[".contains($0) }) else { return [argument] }
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(argument, 0, nil, &matches) == 0 else {
            throw InputError(code: .unreadable, file: argument, line: 0, message: "the pattern matches no file")
        }
        var paths: [String] = []
        for index in 0..<Int(matches.gl_pathc) {
            if let path = matches.gl_pathv[index] { paths.append(String(cString: path)) }
        }
        return paths.sorted()
    }
}

/// Why input could not be read.
public struct InputError: Error, Sendable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private init(_ description: String) { self.description = description }

        /// A file could not be opened or read, or a pattern matched nothing.
        public static let unreadable = Code("unreadable input")
        /// A line is not a valid event or gauge sample.
        public static let badLine = Code("bad line")

        /// The kind in words, as the error prints it.
        public let description: String
    }

    /// The kind of problem.
    public var code: Code
    /// The file (`-` for standard input).
    public var file: String
    /// The 1-based line, 0 when not about one line.
    public var line: Int
    /// What was wrong.
    public var message: String

    /// Creates an error.
    public init(code: Code, file: String, line: Int, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.message = message
    }

    /// `FILE:LINE: message`, or `FILE: message`.
    public var description: String {
        line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)"
    }
}

/// JSONL files as a rule data source.
public struct JSONLFileSource: RuleDataSource, Sendable {
    /// The files.
    public var paths: [String]
    /// Whether a bad line is an error (otherwise skipped).
    public var strict: Bool

    /// A source over `paths`.
    public init(paths: [String], strict: Bool = true) {
        self.paths = paths
        self.strict = strict
    }

    public func feed(_ evaluator: inout RuleEvaluator) async throws {
        evaluator.merge(try await JSONLInput.evaluate(evaluator.rules, paths: paths, strict: strict))
    }
}
