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

// MARK: - Program

private enum Instruction: Hashable {
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
private struct ScalarSet: Hashable {
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
private struct ThreadList {
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

// MARK: - Parsing

private indirect enum PatternNode {
    case empty
    case scalar(UInt32)
    case any
    case set(ScalarSet)
    case concatenation([PatternNode])
    case alternation([PatternNode])
    case repetition(PatternNode, minimum: Int, maximum: Int?)
}

private struct PatternParser {
    let scalars: [Unicode.Scalar]
    var position = 0
    var depth = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    mutating func parse() throws(LinearPatternError) -> PatternNode {
        // `^` and `$` at the ends are accepted: the whole value is matched anyway.
        if peek == "^" { position += 1 }
        let node = try alternation()
        if position < scalars.count {
            throw error(scalars[position] == ")" ? "unbalanced `)`" : "unexpected `\(scalars[position])`")
        }
        return node
    }

    private var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private func error(_ message: String, at offset: Int? = nil) -> LinearPatternError {
        LinearPatternError(position: offset ?? position, message: message)
    }

    private mutating func alternation() throws(LinearPatternError) -> PatternNode {
        var branches = [try concatenation()]
        while peek == "|" {
            position += 1
            branches.append(try concatenation())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func concatenation() throws(LinearPatternError) -> PatternNode {
        var items: [PatternNode] = []
        while let scalar = peek, scalar != "|", scalar != ")" {
            if scalar == "$" && position == scalars.count - 1 {
                position += 1
                break
            }
            var atom = try self.atom()
            while let quantified = try quantifier(on: atom) { atom = quantified }
            items.append(atom)
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concatenation(items)
        }
    }

    private mutating func quantifier(on atom: PatternNode) throws(LinearPatternError) -> PatternNode? {
        guard let scalar = peek else { return nil }
        let start = position
        var minimum = 0
        var maximum: Int?
        switch scalar {
        case "*": position += 1
        case "+":
            position += 1
            minimum = 1
        case "?":
            position += 1
            maximum = 1
        case "{":
            guard let bounds = try counts() else { return nil }
            (minimum, maximum) = bounds
        default:
            return nil
        }
        if case .repetition = atom, scalars[start - 1] != ")" {
            throw error("a quantifier follows another quantifier; group the first in (…)", at: start)
        }
        if peek == "?" {
            position += 1  // lazy: the same whole-value matches
        } else if peek == "+" {
            throw error("possessive quantifiers are not supported")
        }
        return .repetition(atom, minimum: minimum, maximum: maximum)
    }

    /// `{n}`, `{n,}` or `{n,m}`; `nil` (and nothing consumed) when the brace is a literal.
    private mutating func counts() throws(LinearPatternError) -> (Int, Int?)? {
        let start = position
        position += 1
        guard let minimum = number() else {
            position = start
            return nil
        }
        var maximum: Int? = minimum
        if peek == "," {
            position += 1
            maximum = number()
        }
        guard peek == "}" else {
            position = start
            return nil
        }
        position += 1
        if let maximum, maximum < minimum {
            throw error("in {\(minimum),\(maximum)} the maximum is below the minimum", at: start)
        }
        if minimum > 1_000 || (maximum ?? 0) > 1_000 {
            throw error("repetition counts above 1000 are not supported", at: start)
        }
        return (minimum, maximum)
    }

    private mutating func number() -> Int? {
        var value: Int?
        while let scalar = peek, ("0"..."9").contains(scalar) {
            value = min(100_000, (value ?? 0) * 10 + Int(scalar.value - 48))
            position += 1
        }
        return value
    }

    private mutating func atom() throws(LinearPatternError) -> PatternNode {
        let scalar = scalars[position]
        switch scalar {
        case "(":
            return try group()
        case "[":
            return .set(try characterClass())
        case ".":
            position += 1
            return .any
        case "\\":
            position += 1
            return try escape(inClass: false)
        case "*", "+", "?":
            throw error("`\(scalar)` has nothing to repeat; write \\\(scalar) for the character itself")
        case "^", "$":
            throw error("`\(scalar)` is only supported at the very start or end (the whole value is matched)")
        default:
            position += 1
            return .scalar(scalar.value)
        }
    }

    private mutating func group() throws(LinearPatternError) -> PatternNode {
        let open = position
        position += 1
        if peek == "?" {
            position += 1
            switch peek {
            case ":":
                position += 1
            case "<" where position + 1 < scalars.count && scalars[position + 1] != "=" && scalars[position + 1] != "!",
                "P":
                if peek == "P" { position += 1 }
                guard peek == "<" else { throw error("expected `<` after `(?P`") }
                while let name = peek, name != ">" { position += 1 }
                guard peek == ">" else { throw error("a group name is not closed with `>`", at: open) }
                position += 1
            case "=", "!", "<":
                throw error("look-around groups are not supported (no linear-time algorithm exists)", at: open)
            default:
                throw error("inline flags and other `(?…)` forms are not supported", at: open)
            }
        }
        depth += 1
        guard depth <= 100 else { throw error("groups are nested more than 100 deep", at: open) }
        let inner = try alternation()
        depth -= 1
        guard peek == ")" else { throw error("the group opened here is not closed with `)`", at: open) }
        position += 1
        return inner
    }

    private mutating func escape(inClass: Bool) throws(LinearPatternError) -> PatternNode {
        guard let scalar = peek else { throw error("the pattern ends with a lone backslash") }
        position += 1
        switch scalar {
        case "d": return .set(.digits)
        case "D": return .set(ScalarSet(ranges: ScalarSet.digits.ranges, negated: true))
        case "w": return .set(.word)
        case "W": return .set(ScalarSet(ranges: ScalarSet.word.ranges, negated: true))
        case "s": return .set(.space)
        case "S": return .set(ScalarSet(ranges: ScalarSet.space.ranges, negated: true))
        case "t": return .scalar(9)
        case "n": return .scalar(10)
        case "r": return .scalar(13)
        case "1"..."9":
            throw error("back-references are not supported (no linear-time algorithm exists)", at: position - 2)
        default:
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                throw error("the escape \\\(scalar) is not supported", at: position - 2)
            }
            return .scalar(scalar.value)
        }
    }

    private mutating func characterClass() throws(LinearPatternError) -> ScalarSet {
        let open = position
        position += 1
        var set = ScalarSet()
        if peek == "^" {
            set.negated = true
            position += 1
        }
        var first = true
        while let scalar = peek, scalar != "]" || first {
            first = false
            if scalar == "[" && position + 1 < scalars.count && scalars[position + 1] == ":" {
                throw error("POSIX classes such as [:alpha:] are not supported; use ranges", at: position)
            }
            let low: UInt32
            if scalar == "\\" {
                position += 1
                switch try escape(inClass: true) {
                case .scalar(let value): low = value
                case .set(let inner) where !inner.negated:
                    set.ranges += inner.ranges
                    continue
                default:
                    throw error("negated escapes (\\D, \\W, \\S) are not supported inside […]", at: position - 2)
                }
            } else {
                low = scalar.value
                position += 1
            }
            if peek == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                position += 1
                var high = scalars[position].value
                if scalars[position] == "\\" {
                    position += 1
                    guard case .scalar(let value) = try escape(inClass: true) else {
                        throw error("a class range must end with a single character", at: position - 2)
                    }
                    high = value
                } else {
                    position += 1
                }
                guard low <= high else { throw error("the class range is reversed", at: position - 1) }
                set.ranges.append(low...high)
            } else {
                set.ranges.append(low...low)
            }
        }
        guard peek == "]" else { throw error("the class opened here is not closed with `]`", at: open) }
        position += 1
        return set
    }
}

// MARK: - Compiling

private struct PatternCompiler {
    var program: [Instruction] = []
    var sets: [ScalarSet] = []
    private var setIndex: [ScalarSet: Int] = [:]

    mutating func emit(_ node: PatternNode) throws(LinearPatternError) {
        guard program.count < LinearPattern.maximumProgramSize else {
            throw LinearPatternError(
                position: 0,
                message: "the pattern is too large once its repetitions are expanded "
                    + "(more than \(LinearPattern.maximumProgramSize) steps)"
            )
        }
        switch node {
        case .empty:
            break
        case .scalar(let value):
            program.append(.scalar(value))
        case .any:
            program.append(.any)
        case .set(let set):
            if let index = setIndex[set] {
                program.append(.set(index))
            } else {
                setIndex[set] = sets.count
                program.append(.set(sets.count))
                sets.append(set)
            }
        case .concatenation(let items):
            for item in items { try emit(item) }
        case .alternation(let branches):
            var jumps: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index < branches.count - 1 {
                    let split = program.count
                    program.append(.split(split + 1, 0))
                    try emit(branch)
                    jumps.append(program.count)
                    program.append(.jump(0))
                    program[split] = .split(split + 1, program.count)
                } else {
                    try emit(branch)
                }
            }
            for jump in jumps { program[jump] = .jump(program.count) }
        case .repetition(let inner, let minimum, let maximum):
            for _ in 0..<minimum { try emit(inner) }
            if let maximum {
                // Optional copies: each may be skipped, which skips the rest.
                var splits: [Int] = []
                for _ in minimum..<maximum {
                    splits.append(program.count)
                    program.append(.split(program.count + 1, 0))
                    try emit(inner)
                }
                for split in splits { program[split] = .split(split + 1, program.count) }
            } else {
                let loop = program.count
                program.append(.split(loop + 1, 0))
                try emit(inner)
                program.append(.jump(loop))
                program[loop] = .split(loop + 1, program.count)
            }
        }
        guard program.count <= LinearPattern.maximumProgramSize else {
            throw LinearPatternError(
                position: 0,
                message: "the pattern is too large once its repetitions are expanded "
                    + "(more than \(LinearPattern.maximumProgramSize) steps)"
            )
        }
    }
}
