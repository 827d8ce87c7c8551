/// Why a timeout setting could not be used, naming the variable and the value found.
///
/// ```swift
/// // GLM_SESSION_TIMEOUT: expected a number of seconds > 0, found "thirty"
/// ```
public struct TimeoutPolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private init(_ description: String) { self.description = description }

        /// The value is not a positive, finite number of seconds.
        public static let invalidValue = Code("invalid value")

        /// The kind in words (`invalid value`).
        public let description: String
    }

    /// The kind of failure.
    public var code: Code
    /// The environment variable (or setting) at fault.
    public var variable: String
    /// The value it held.
    public var value: String

    /// Creates an error.
    public init(code: Code, variable: String, value: String) {
        self.code = code
        self.variable = variable
        self.value = value
    }

    /// `VARIABLE: expected a number of seconds > 0, found "VALUE"`.
    public var description: String {
        "\(variable): expected a number of seconds > 0, found \"\(value)\""
    }
}
