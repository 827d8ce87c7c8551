/// Why a JSONL line, or the file it came from, could not be read.
///
/// The message names what a user needs to fix it: the file, the line, the field and what was expected.
/// ``description`` is `FILE:LINE: reason`, leaving out the parts that are unknown.
///
/// ```swift
/// do {
///     _ = try JSONLDecoder().decode(line: #"{"event":"x","duration_ms":"fast"}"#)
/// } catch {
///     print(error.withLocation(file: "metrics.jsonl", line: 7))
///     // metrics.jsonl:7: field "duration_ms": expected a number, found a string
/// }
/// ```
public struct JSONLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure, for code that reacts to some of them (a reader keeps going after
    /// ``Code/lineTooLong`` but not after ``Code/readFailed``).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private init(_ description: String) { self.description = description }

        /// The line is not a JSON object: bad syntax, trailing text, a lone surrogate, a control character.
        public static let invalidJSON = Code("invalid JSON")
        /// The line's bytes are not valid UTF-8.
        public static let invalidUTF8 = Code("invalid UTF-8")
        /// A required key (`event`, `metric`, `value`) is absent.
        public static let missingField = Code("missing field")
        /// A key holds a value of the wrong JSON type.
        public static let wrongType = Code("wrong type")
        /// A key holds a value of the right type that is not acceptable (unknown status, bad timestamp…).
        public static let invalidValue = Code("invalid value")
        /// A number is too large for a `Double`, or outside the range a field allows.
        public static let outOfRange = Code("out of range")
        /// A value is an object or an array; lines are flat.
        public static let unsupportedNesting = Code("unsupported nesting")
        /// The line is longer than the reader's maximum and was skipped.
        public static let lineTooLong = Code("line too long")
        /// The file could not be opened or read.
        public static let readFailed = Code("read failed")

        /// The kind in words, as the error prints it.
        public let description: String
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, naming the field when there is one: `field "duration_ms": expected a number, found a string`.
    public var reason: String
    /// The key the failure is about, if any.
    public var field: String?
    /// The 1-based line number, when known.
    public var line: Int?
    /// The file name (or `-` for standard input), when known.
    public var file: String?

    /// Creates an error.
    public init(code: Code, reason: String, field: String? = nil, line: Int? = nil, file: String? = nil) {
        self.code = code
        self.reason = reason
        self.field = field
        self.line = line
        self.file = file
    }

    /// `FILE:LINE: reason`, leaving out the parts that are unknown.
    public var description: String {
        switch (file, line) {
        case (let file?, let line?): return "\(file):\(line): \(reason)"
        case (let file?, nil): return "\(file): \(reason)"
        case (nil, let line?): return "line \(line): \(reason)"
        case (nil, nil): return reason
        }
    }

    /// The same error attributed to a line of a file (either may be `nil` to keep the current value).
    public func withLocation(file: String? = nil, line: Int? = nil) -> JSONLError {
        var copy = self
        if let file { copy.file = file }
        if let line { copy.line = line }
        return copy
    }

    /// An error about one field; the reason is prefixed with `field "NAME": `.
    static func field(_ name: String, _ code: Code, _ message: String) -> JSONLError {
        JSONLError(code: code, reason: "field \"\(name)\": \(message)", field: name)
    }

    /// The same error prefixed with the field it happened in (for failures found while scanning a value).
    func inField(_ name: String) -> JSONLError {
        guard field == nil else { return self }
        var copy = self
        copy.field = name
        copy.reason = "field \"\(name)\": \(reason)"
        return copy
    }
}
