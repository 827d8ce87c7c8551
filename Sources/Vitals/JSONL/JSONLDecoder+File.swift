extension JSONLDecoder {
    /// The records of a whole JSONL input and the errors of its bad lines.
    public struct DecodedFile: Sendable, Hashable {
        /// One decoded line.
        public struct Entry: Sendable, Hashable {
            /// The 1-based line number.
            public var line: Int
            /// The record the line holds.
            public var record: Record
        }

        /// The good lines, in file order.
        public var entries: [Entry] = []
        /// The bad lines, in file order, each naming the file and line.
        public var errors: [JSONLError] = []

        /// The records of the good lines, in file order.
        public var records: [Record] { entries.map(\.record) }
    }

    /// Decodes every line of a file, keeping good lines and the errors of bad ones.
    ///
    /// Meant for small files and tests: everything is held in memory. Streaming callers use ``JSONLReader``.
    ///
    /// ```swift
    /// let file = try JSONLDecoder().decodeFile(atPath: "metrics.jsonl")
    /// for error in file.errors { print(error) }  // metrics.jsonl:3: missing "event"
    /// ```
    ///
    /// - Throws: ``JSONLError`` when the file cannot be opened or read (bad lines do not throw).
    public func decodeFile(atPath path: String) throws(JSONLError) -> DecodedFile {
        var reader = try JSONLReader(path: path, maximumLineLength: maximumLineLength)
        return try decodeAll(from: &reader)
    }

    /// Decodes every remaining line of a reader, keeping good lines and the errors of bad ones.
    ///
    /// - Throws: ``JSONLError`` when reading fails (bad lines do not throw).
    package func decodeAll(from reader: inout JSONLReader) throws(JSONLError) -> DecodedFile {
        var result = DecodedFile()
        while let line = try reader.next() {
            if let error = line.error {
                result.errors.append(error)
                continue
            }
            do throws(JSONLError) {
                result.entries.append(DecodedFile.Entry(line: line.number, record: try decode(line: line.bytes)))
            } catch {
                result.errors.append(error.withLocation(file: reader.name, line: line.number))
            }
        }
        return result
    }
}
