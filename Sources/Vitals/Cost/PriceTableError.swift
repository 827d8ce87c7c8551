/// Why a price file could not be loaded, naming the file and the field.
///
/// ```swift
/// do {
///     let prices = try PriceTable(contentsOfFile: "prices.json")
/// } catch {
///     print(error)  // prices.json: models.gpt-5-mini.output: expected a number >= 0, found "two"
/// }
/// ```
public struct PriceTableError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private init(_ description: String) { self.description = description }

        /// The file could not be opened or read.
        public static let unreadableFile = Code("unreadable file")
        /// The file is not valid JSON.
        public static let invalidJSON = Code("invalid JSON")
        /// A field is missing, of the wrong type, out of range or unknown.
        public static let invalidField = Code("invalid field")

        /// The kind in words (`invalid field`).
        public let description: String
    }

    /// The kind of failure.
    public var code: Code
    /// The file, or the source name given when loading from memory.
    public var file: String
    /// The dotted path of the offending field (`models.gpt-5-mini.output`), when one is at fault.
    public var field: String?
    /// What was wrong, in words.
    public var reason: String

    /// Creates an error.
    public init(code: Code, file: String, field: String? = nil, reason: String) {
        self.code = code
        self.file = file
        self.field = field
        self.reason = reason
    }

    /// `FILE: FIELD: REASON`, or `FILE: REASON` when no field is at fault.
    public var description: String {
        if let field { return "\(file): \(field): \(reason)" }
        return "\(file): \(reason)"
    }
}
