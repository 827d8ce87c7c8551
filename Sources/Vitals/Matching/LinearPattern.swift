/// A regular expression matched against a whole value in time linear in the value's length, whatever the pattern.
///
/// Label matchers (`model=~"gpt-.*"`) come from query strings and rule files, that is from users and
/// attackers alike. A backtracking engine takes exponential time on patterns such as `(a+)+b`, so a
/// single request could hold a thread for minutes. This engine compiles the pattern to a Thompson
/// automaton and simulates every alternative at once: each scalar of the value is looked at once per
/// instruction at most, so the work is bounded by `value length × program size`, and the program size is
/// capped at compile time.
///
/// The syntax is the common subset of RE2, Prometheus and Swift `Regex`: literals, `.`, classes
/// (`[a-z_]`, `[^0-9]`), `\d \w \s \D \W \S`, groups (`(…)`, `(?:…)`, `(?<name>…)`), alternation `|`, and
/// the quantifiers `* + ?`, `{n}`, `{n,}`, `{n,m}` (lazy forms accepted: they match the same whole values).
/// Back-references and look-arounds have no linear-time algorithm and are refused with a clear error.
///
/// ```swift
/// let pattern = try LinearPattern("gpt-4o(-mini)?")
/// pattern.matches("gpt-4o-mini")  // true
/// pattern.matches("gpt-4")        // false
/// ```
package struct LinearPattern: Sendable, Hashable, CustomStringConvertible {
    /// The largest program a pattern may compile to; repetitions count once per copy.
    package static let maximumProgramSize = 4_096
    /// The longest pattern text accepted.
    package static let maximumPatternLength = 4_096

    /// The pattern as written.
    package let source: String
    private let program: [Instruction]
    private let sets: [ScalarSet]

    /// Compiles a pattern.
    ///
    /// - Throws: ``LinearPatternError`` naming the position and what was expected.
    package init(_ source: String) throws(LinearPatternError) {
        guard source.utf8.count <= Self.maximumPatternLength else {
            throw LinearPatternError(
                position: Self.maximumPatternLength,
                message: "the pattern is longer than \(Self.maximumPatternLength) bytes"
            )
        }
        var parser = PatternParser(Array(source.unicodeScalars))
        let tree = try parser.parse()
        var compiler = PatternCompiler()
        try compiler.emit(tree)
        compiler.program.append(.match)
        self.source = source
        self.program = compiler.program
        self.sets = compiler.sets
    }

    /// The number of instructions: the per-scalar cost of a match at worst.
    package var size: Int { program.count }

    /// Whether the whole of `text` matches.
    package func matches(_ text: String) -> Bool {
        var current = ThreadList(capacity: program.count)
        var next = ThreadList(capacity: program.count)
        current.add(0, program)
        for scalar in text.unicodeScalars {
            if current.count == 0 { return false }
            next.clear()
            for index in 0..<current.count {
                let pc = current.dense[index]
                switch program[pc] {
                case .scalar(let expected): if scalar.value == expected { next.add(pc + 1, program) }
                case .any: if scalar != "\n" { next.add(pc + 1, program) }
                case .set(let set): if sets[set].contains(scalar.value) { next.add(pc + 1, program) }
                case .match, .split, .jump: break
                }
            }
            swap(&current, &next)
        }
        for index in 0..<current.count where program[current.dense[index]] == .match { return true }
        return false
    }

    package var description: String { source }

    package static func == (lhs: LinearPattern, rhs: LinearPattern) -> Bool { lhs.source == rhs.source }
    package func hash(into hasher: inout Hasher) { hasher.combine(source) }
}

/// A pattern that does not compile; `position` is the 0-based scalar offset of the problem.
package struct LinearPatternError: Error, Sendable, CustomStringConvertible {
    package var position: Int
    package var message: String

    package var description: String { "at offset \(position): \(message)" }
}

enum Instruction: Hashable {
    /// Consumes this scalar.
    case scalar(UInt32)
    /// Consumes any scalar but a newline.
    case any
    /// Consumes a scalar of the set at this index.
    case set(Int)
    /// Continues at both targets.
    case split(Int, Int)
    /// Continues at the target.
    case jump(Int)
    /// The whole value matched if the input ends here.
    case match
}

/// Ranges of scalar values, possibly negated.
struct ScalarSet: Hashable {
    var ranges: [ClosedRange<UInt32>] = []
    var negated = false

    func contains(_ value: UInt32) -> Bool {
        var found = false
        for range in ranges where range.contains(value) {
            found = true
            break
        }
        return found != negated
    }

    static let digits = ScalarSet(ranges: [48...57])
    static let word = ScalarSet(ranges: [48...57, 65...90, 95...95, 97...122])
    static let space = ScalarSet(ranges: [9...13, 32...32])
}

/// The set of instructions reached at one input position, each at most once (a sparse set).
struct ThreadList {
    var dense: [Int]
    var sparse: [Int]
    var count = 0
    private var stack: [Int] = []

    init(capacity: Int) {
        dense = Array(repeating: 0, count: capacity)
        sparse = Array(repeating: 0, count: capacity)
    }

    func contains(_ pc: Int) -> Bool {
        let slot = sparse[pc]
        return slot < count && dense[slot] == pc
    }

    mutating func clear() { count = 0 }

    /// Adds `pc` and everything reachable from it without consuming input.
    mutating func add(_ start: Int, _ program: [Instruction]) {
        stack.append(start)
        while let pc = stack.popLast() {
            if contains(pc) { continue }
            sparse[pc] = count
            dense[count] = pc
            count += 1
            switch program[pc] {
            case .jump(let target): stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            default: break
            }
        }
    }
}
