/// Why a timeout setting could not be used, naming the variable and the value found.
///
/// ```swift
/// // GLM_SESSION_TIMEOUT: expected a number of seconds > 0, found "thirty"
/// ```
public struct TimeoutPolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case invalidValue
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// The value is not a positive, finite number of seconds.
        public static let invalidValue = Code(.invalidValue)

        /// The kind in words (`invalid value`).
        public var description: String {
            switch value {
            case .invalidValue: return "invalid value"
            }
        }
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
