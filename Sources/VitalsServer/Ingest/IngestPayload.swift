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
    /// Lines that could not be decoded.
    var rejections: [Rejection] = []

    /// Decodes a body. JSONL unless its first non-blank byte is `[`.
    ///
    /// - Throws: ``IngestBodyError`` when the body as a whole is unusable (empty, or an unterminated array).
    init(body bytes: UnsafeRawBufferPointer, decoder: JSONLDecoder = JSONLDecoder()) throws(IngestBodyError) {
        guard let first = bytes.firstIndex(where: { !Self.isWhitespace($0) }) else {
            throw IngestBodyError("the body is empty; expected JSONL (one event per line) or a JSON array of events")
        }
        records.reserveCapacity(bytes.count / 160)
        lines.reserveCapacity(bytes.count / 160)
        if bytes[first] == UInt8(ascii: "[") {
            try decodeArray(bytes, from: first + 1, decoder: decoder)
        } else {
            decodeLines(bytes, decoder: decoder)
        }
    }

    private mutating func decodeLines(_ bytes: UnsafeRawBufferPointer, decoder: JSONLDecoder) {
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
                decode(line, number: number, decoder: decoder)
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
            decode(UnsafeRawBufferPointer(rebasing: bytes[elementStart..<position]), number: element, decoder: decoder)
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

    private mutating func decode(_ line: UnsafeRawBufferPointer, number: Int, decoder: JSONLDecoder) {
        do {
            records.append(try decoder.decode(line: line))
            lines.append(number)
        } catch {
            rejections.append(Rejection(line: number, reason: error.reason))
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}

/// A request body that is not a batch of events at all (as opposed to a batch with bad lines).
struct IngestBodyError: Error, Sendable, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
