extension LabelMatcher {
    /// Reads a matcher in its printed form: `key="value"`, `key!="value"`, `key=~"pattern"`, `key!~"pattern"`,
    /// `key in ["a", "b"]` or `key not in ["a", "b"]`.
    ///
    /// Values are quoted with `"`, and `\` escapes the next character; a value of the four operator forms may
    /// also be written bare (`model=gpt-5`), running to the end of the text. Spaces around the operator are
    /// ignored.
    ///
    /// ```swift
    /// let matcher = try LabelMatcher(parsing: #"model=~"gpt-.*""#)
    /// print(matcher)  // model=~"gpt-.*"
    /// ```
    ///
    /// - Parameter text: The matcher's text.
    /// - Throws: ``MatcherSyntaxError`` naming what is missing, or when a pattern does not compile.
    public init(parsing text: String) throws(MatcherSyntaxError) {
        var reader = MatcherReader(Array(text.unicodeScalars))
        let key = reader.key()
        guard !key.isEmpty else {
            throw MatcherSyntaxError(message: "matcher \(text): expected a label key before the operator")
        }
        reader.skipSpaces()
        let operation: Operation
        if reader.consume("!~") {
            operation = .notRegex(try reader.value(in: text))
        } else if reader.consume("=~") {
            operation = .regex(try reader.value(in: text))
        } else if reader.consume("!=") {
            operation = .notEqual(try reader.value(in: text))
        } else if reader.consume("=") {
            operation = .equal(try reader.value(in: text))
        } else if reader.consume("not in") {
            operation = .noneOf(try reader.list(in: text))
        } else if reader.consume("in") {
            operation = .oneOf(try reader.list(in: text))
        } else {
            throw MatcherSyntaxError(
                message: "matcher \(text): expected one of =, !=, =~, !~, in, not in after \"\(key)\""
            )
        }
        reader.skipSpaces()
        guard reader.atEnd else {
            throw MatcherSyntaxError(message: "matcher \(text): unexpected text after the value")
        }
        try self.init(key: key, operation: operation)
    }
}

/// A cursor over a matcher's text.
private struct MatcherReader {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    var atEnd: Bool { position == scalars.count }

    mutating func skipSpaces() {
        while position < scalars.count, scalars[position] == " " { position += 1 }
    }

    /// Letters, digits, `_`, `.` and `-`: the characters of a label key.
    mutating func key() -> String {
        skipSpaces()
        var key = String.UnicodeScalarView()
        while position < scalars.count {
            let scalar = scalars[position]
            guard
                scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_.-".unicodeScalars.contains(scalar)
            else { break }
            key.append(scalar)
            position += 1
        }
        return String(key)
    }

    mutating func consume(_ token: String) -> Bool {
        let token = Array(token.unicodeScalars)
        guard scalars.count - position >= token.count, Array(scalars[position..<position + token.count]) == token
        else { return false }
        position += token.count
        return true
    }

    /// A quoted value, or the rest of the text when it does not start with `"`.
    mutating func value(in text: String) throws(MatcherSyntaxError) -> String {
        skipSpaces()
        guard position < scalars.count, scalars[position] == "\"" else {
            let rest = String(String.UnicodeScalarView(scalars[position...]))
            position = scalars.count
            return rest
        }
        return try quoted(in: text)
    }

    /// `[` quoted values separated by `,` `]`.
    mutating func list(in text: String) throws(MatcherSyntaxError) -> [String] {
        skipSpaces()
        guard consume("[") else { throw MatcherSyntaxError(message: "matcher \(text): expected [ after in") }
        var values: [String] = []
        skipSpaces()
        if consume("]") { return values }
        while true {
            skipSpaces()
            guard position < scalars.count, scalars[position] == "\"" else {
                throw MatcherSyntaxError(message: "matcher \(text): expected a quoted value in the list")
            }
            values.append(try quoted(in: text))
            skipSpaces()
            if consume("]") { return values }
            guard consume(",") else {
                throw MatcherSyntaxError(message: "matcher \(text): expected , or ] in the list")
            }
        }
    }

    private mutating func quoted(in text: String) throws(MatcherSyntaxError) -> String {
        position += 1  // the opening quote
        var value = String.UnicodeScalarView()
        while position < scalars.count {
            let scalar = scalars[position]
            position += 1
            if scalar == "\"" { return String(value) }
            if scalar == "\\", position < scalars.count {
                value.append(scalars[position])
                position += 1
            } else {
                value.append(scalar)
            }
        }
        throw MatcherSyntaxError(message: "matcher \(text): a quoted value has no closing \"")
    }
}
