/// A configuration that cannot be used: a bad value in the file, the environment or a flag, naming where it came
/// from (`vitals.yml:12: port: expected a number from 0 to 65535, got "80a"`).
public struct ServerConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private init(_ description: String) { self.description = description }

        /// The configuration file could not be read.
        public static let unreadableFile = Code("unreadable file")
        /// The configuration file is not valid YAML, or not a mapping.
        public static let invalidYAML = Code("invalid YAML")
        /// A value has the wrong type or is out of range.
        public static let invalidValue = Code("invalid value")
        /// The file has a key Vitals does not know (usually a typo).
        public static let unknownKey = Code("unknown key")

        /// The kind in words, as the error prints it.
        public let description: String
    }

    /// What kind of problem it is.
    public var code: Code
    /// The whole message, starting with where the value came from.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
