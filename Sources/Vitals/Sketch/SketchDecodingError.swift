/// Thrown by ``QuantileSketch/init(decoding:)`` when bytes are not a valid sketch encoding.
///
/// The ``code`` says which rule was broken, ``offset`` where, and ``description`` explains it for a
/// person reading a log.
///
/// ```swift
/// do {
///     let sketch = try QuantileSketch(decoding: row.sketchBytes)
/// } catch {
///     logger.warning("skipping corrupt sketch: \(error)")  // "… truncated at byte 7 while reading …"
/// }
/// ```
public struct SketchDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem, stable across releases so callers can branch on it.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private init(_ description: String) { self.description = description }

        /// The input ended in the middle of a field.
        public static let truncated = Code("truncated")
        /// The first byte names a format version this build does not know.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// A variable-length integer is longer than 10 bytes or does not fit in 64 bits.
        public static let malformedVarint = Code("malformedVarint")
        /// A field is valid but not written the one way `encoded()` writes it (e.g. an over-long varint).
        public static let nonCanonical = Code("nonCanonical")
        /// A bucket index lies outside the range a positive `Double` can map to.
        public static let indexOutOfRange = Code("indexOutOfRange")
        /// The buckets span more than ``QuantileSketch/maximumBucketCount``.
        public static let spanTooLarge = Code("spanTooLarge")
        /// The bucket counts do not add up to the total count.
        public static let countMismatch = Code("countMismatch")
        /// `sum`, `min` or `max` is not finite, negative, out of order or inconsistent with the buckets.
        public static let invalidStatistic = Code("invalidStatistic")
        /// Bytes remain after the last field.
        public static let trailingBytes = Code("trailingBytes")

        /// The code's name, e.g. `truncated`.
        public let description: String
    }

    /// Which rule the input broke.
    public let code: Code
    /// The byte offset in the input where the problem was found.
    public let offset: Int
    /// What was wrong, naming the field and what was expected.
    public let message: String

    /// Creates an error; used by the decoder.
    package init(_ code: Code, at offset: Int, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    /// A sentence for logs: `invalid quantile sketch encoding at byte 7 (truncated): …`.
    public var description: String {
        "invalid quantile sketch encoding at byte \(offset) (\(code)): \(message)"
    }
}
