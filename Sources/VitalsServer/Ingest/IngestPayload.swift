import Vitals

/// The records of one `POST /v1/events` body — JSONL, or one JSON array of objects — with every line that could
/// not be read rejected by number and reason. Good lines are kept whatever the others hold.
struct IngestPayload: Sendable {
    /// A line (or array element) that was not a valid event or sample.
    struct Rejection: Sendable, Hashable {
        /// 1-based line of the JSONL body, or 1-based element of the JSON array.
        var line: Int
        var reason: String
    }

    /// Decoded records, in body order.
    var records: [Record] = []
    /// For each record, its line (or element) number.
    var lines: [Int] = []
    /// Lines that could not be decoded: the first ``listedRejections`` of them (the rest are only counted, so that
    /// a body of millions of bad lines costs no more memory than a good one).
    var rejections: [Rejection] = []
    /// Every line that could not be decoded.
    var rejectedCount = 0

    /// Rejections kept with their reason; an answer lists no more.
    static let listedRejections = 1_000
    /// The most records one body may hold, by default.
    static let defaultMaximumRecords = 20_000
    private var maximumRecords = Self.defaultMaximumRecords

    /// Decodes a body. JSONL unless its first non-blank byte is `[`.
    ///
    /// - Parameter maximumRecords: The most records the body may hold: it bounds the decoded form of a request
    ///   (each record costs more memory than its line), whatever the body's size.
    /// - Throws: ``IngestBodyError`` when the body as a whole is unusable (empty, an unterminated array, or more
    ///   than `maximumRecords` records).
    init(
        body bytes: UnsafeRawBufferPointer,
        maximumRecords: Int = Self.defaultMaximumRecords,
        decoder: JSONLDecoder = JSONLDecoder()
    ) throws(IngestBodyError) {
        self.maximumRecords = maximumRecords
        guard let first = bytes.firstIndex(where: { !Self.isWhitespace($0) }) else {
            throw IngestBodyError("the body is empty; expected JSONL (one event per line) or a JSON array of events")
        }
        records.reserveCapacity(min(maximumRecords, bytes.count / 160))
        lines.reserveCapacity(min(maximumRecords, bytes.count / 160))
        if bytes[first] == UInt8(ascii: "[") {
            try decodeArray(bytes, from: first + 1, decoder: decoder)
        } else {
            try decodeLines(bytes, decoder: decoder)
        }
    }

    private mutating func decodeLines(_ bytes: UnsafeRawBufferPointer, decoder: JSONLDecoder) throws(IngestBodyError) {
        var start = 0
        var number = 0
        while start < bytes.count {
            number += 1
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            var last = end
            if last > start && bytes[last - 1] == UInt8(ascii: "\r") { last -= 1 }
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<last])
            if !line.allSatisfy(Self.isWhitespace) {
                try decode(line, number: number, decoder: decoder)
            }
            start = end + 1
        }
    }

    /// Splits a JSON array into its elements (tracking strings and nesting) and decodes each as one line.
    private mutating func decodeArray(
        _ bytes: UnsafeRawBufferPointer,
        from start: Int,
        decoder: JSONLDecoder
    )
        throws(IngestBodyError)
    {
        var position = start
        var element = 0
        while true {
            while position < bytes.count && Self.isWhitespace(bytes[position]) { position += 1 }
            guard position < bytes.count else {
                throw IngestBodyError("the JSON array is not closed; expected `]` at the end of the body")
            }
            if bytes[position] == UInt8(ascii: "]") && element == 0 { break }
            element += 1
            let elementStart = position
            var depth = 0
            var inString = false
            var escaped = false
            scan: while position < bytes.count {
                let byte = bytes[position]
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                } else {
                    switch byte {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        if depth == 0 { break scan }
                        depth -= 1
                    case UInt8(ascii: ","): if depth == 0 { break scan }
                    default: break
                    }
                }
                position += 1
            }
            guard position < bytes.count else {
                throw IngestBodyError("the JSON array is not closed; expected `]` at the end of the body")
            }
            try decode(
                UnsafeRawBufferPointer(rebasing: bytes[elementStart..<position]),
                number: element,
                decoder: decoder
            )
            let separator = bytes[position]
            position += 1
            if separator == UInt8(ascii: "]") { break }
            guard separator == UInt8(ascii: ",") else {
                throw IngestBodyError(
                    "element \(element) of the JSON array is followed by `\(Character(UnicodeScalar(separator)))`; expected `,` or `]`"
                )
            }
        }
        while position < bytes.count && Self.isWhitespace(bytes[position]) { position += 1 }
        if position < bytes.count {
            throw IngestBodyError("text after the closing `]` of the JSON array; expected one array per body")
        }
    }

    private mutating func decode(
        _ line: UnsafeRawBufferPointer,
        number: Int,
        decoder: JSONLDecoder
    ) throws(IngestBodyError) {
        let record: Record
        do {
            record = try decoder.decode(line: line)
        } catch {
            rejectedCount += 1
            if rejections.count < Self.listedRejections {
                rejections.append(Rejection(line: number, reason: error.reason))
            }
            return
        }
        guard records.count < maximumRecords else {
            throw IngestBodyError(
                "the body holds more than \(maximumRecords) records; send at most \(maximumRecords) per request",
                tooLarge: true
            )
        }
        records.append(record)
        lines.append(number)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}

/// A request body that is not a batch of events at all (as opposed to a batch with bad lines).
struct IngestBodyError: Error, Sendable, CustomStringConvertible {
    var message: String
    /// The body is too large in its decoded form (413) rather than malformed (400).
    var tooLarge = false
    init(_ message: String, tooLarge: Bool = false) {
        self.message = message
        self.tooLarge = tooLarge
    }
    var description: String { message }
}
