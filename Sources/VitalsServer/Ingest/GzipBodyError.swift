/// Why a `Content-Encoding: gzip` request body could not be decompressed.
///
/// ``message`` is the answer a client reads: it names the gzip member and the byte of the body where decoding
/// stopped, or the size limit.
struct GzipBodyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure: ``tooLarge`` is a 413 for the client, the others a 400.
    struct Code: Sendable, Hashable, CustomStringConvertible {
        private init(_ description: String) { self.description = description }

        /// The decompressed body is larger than the limit.
        static let tooLarge = Code("too large")
        /// The body ends inside a member: its compressed data or its trailer is missing.
        static let truncated = Code("truncated")
        /// The body is not gzip, a member fails its checksum or length check, or bytes follow the last member
        /// that do not start another one.
        static let corrupt = Code("corrupt")

        /// The kind in words, as the error prints it.
        let description: String
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
