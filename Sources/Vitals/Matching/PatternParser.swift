/// The syntax tree of a ``LinearPattern``.
indirect enum PatternNode {
    case empty
    case scalar(UInt32)
    case any
    case set(ScalarSet)
    case concatenation([PatternNode])
    case alternation([PatternNode])
    case repetition(PatternNode, minimum: Int, maximum: Int?)
}

/// Reads a pattern into a ``PatternNode``, with errors naming the offset and what was expected.
struct PatternParser {
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
