import Foundation
import Vitals

extension JSONLInput {
    /// Evaluates `rules` over JSONL files, reading each large regular file on every core: the file is cut
    /// into ranges at line boundaries, each range is evaluated by its own `RuleEvaluator`, and the evaluators
    /// are merged in file order. Standard input (`-`), pipes and small files are read sequentially. Bad lines
    /// are numbered as in the file.
    ///
    /// ```swift
    /// let evaluator = try await JSONLInput.evaluate(rules, paths: ["big.jsonl"], strict: true)
    /// let report = CheckReport(results: evaluator.results(), eventCount: evaluator.eventCount)
    /// ```
    ///
    /// - Parameters:
    ///   - rules: The rules.
    ///   - paths: The files.
    ///   - strict: Whether a bad line is an error (the first one in the file is reported) or skipped.
    ///   - onBadLine: Receives each skipped bad line, in file order.
    /// - Throws: `InputError` for an unreadable file, or a bad line in strict mode.
    public static func evaluate(
        _ rules: [Rule],
        paths: [String],
        strict: Bool,
        onBadLine: (InputError) -> Void = { _ in }
    ) async throws(InputError) -> RuleEvaluator {
        var evaluator = RuleEvaluator(rules: rules)
        for path in paths {
            let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
            guard path != "-", cores > 1, let ranges = try? JSONLFileRanges(path: path, count: cores),
                ranges.ranges.count > 1
            else {
                try read(paths: [path], strict: strict, onBadLine: onBadLine) { evaluator.add($0) }
                continue
            }
            let outcomes = await withTaskGroup(of: RangeOutcome.self, returning: [RangeOutcome].self) { group in
                for index in ranges.ranges.indices {
                    group.addTask { evaluateRange(index, of: ranges, rules: rules, strict: strict) }
                }
                var collected: [RangeOutcome] = []
                for await outcome in group { collected.append(outcome) }
                return collected.sorted { $0.index < $1.index }
            }
            if let failure = outcomes.compactMap(\.readFailure).first { throw failure }
            let firstLines = JSONLFileRanges.firstLineNumbers(lineCounts: outcomes.map(\.lineCount))
            for outcome in outcomes {
                for var error in outcome.badLines {
                    error.line += firstLines[outcome.index] - 1
                    if strict { throw error }
                    onBadLine(error)
                }
                evaluator.merge(outcome.evaluator)
            }
        }
        return evaluator
    }

    /// What one range of a file added up to.
    private struct RangeOutcome: Sendable {
        var index: Int
        var evaluator: RuleEvaluator
        /// Lines in the range (complete unless reading stopped at a bad line in strict mode).
        var lineCount: Int
        /// Bad lines, numbered within the range.
        var badLines: [InputError]
        var readFailure: InputError?
    }

    private static func evaluateRange(
        _ index: Int,
        of ranges: JSONLFileRanges,
        rules: [Rule],
        strict: Bool
    ) -> RangeOutcome {
        var outcome = RangeOutcome(
            index: index,
            evaluator: RuleEvaluator(rules: rules),
            lineCount: 0,
            badLines: []
        )
        var reader: JSONLReader
        do {
            reader = try ranges.makeReader(for: index)
        } catch {
            outcome.readFailure = InputError(code: .unreadable, file: ranges.path, line: 0, message: error.reason)
            return outcome
        }
        do {
            try readLines(&reader, decoder: JSONLDecoder(), file: ranges.path) { line, result throws(InputError) in
                switch result {
                case .success(let record):
                    outcome.evaluator.add(record)
                case .failure(let failure):
                    let error = InputError(code: .badLine, file: ranges.path, line: line, message: failure.reason)
                    outcome.badLines.append(error)
                    // The first bad line of the range is all strict mode reports; stop reading here.
                    if strict { throw error }
                }
            }
        } catch {
            if error.code == .unreadable { outcome.readFailure = error }
        }
        outcome.lineCount = reader.linesRead
        return outcome
    }
}
