/// Why a `Content-Encoding: gzip` request body could not be decompressed.
///
/// ``message`` is the answer a client reads: it names the gzip member and the byte of the body where decoding
/// stopped, or the size limit.
struct GzipBodyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure: ``tooLarge`` is a 413 for the client, the others a 400.
    struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case tooLarge
            case truncated
            case corrupt
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The decompressed body is larger than the limit.
        static let tooLarge = Code(.tooLarge)
        /// The body ends inside a member: its compressed data or its trailer is missing.
        static let truncated = Code(.truncated)
        /// The body is not gzip, a member fails its checksum or length check, or bytes follow the last member
        /// that do not start another one.
        static let corrupt = Code(.corrupt)

        var description: String {
            switch value {
            case .tooLarge: return "too large"
            case .truncated: return "truncated"
            case .corrupt: return "corrupt"
            }
        }
    }

    /// The kind of failure.
    var code: Code
    /// What went wrong and where, for the client.
    var message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { message }
}
