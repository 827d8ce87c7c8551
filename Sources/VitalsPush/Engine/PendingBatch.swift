/// The lines of one request body being built, and where each came from.
struct PendingBatch: Sendable {
    /// Where a line of the body came from: an index into the pushed files and a 1-based line number.
    struct Origin: Sendable, Hashable {
        var file: Int
        var line: Int
    }

    /// The body: each line followed by `\n`.
    var body: [UInt8] = []
    /// The origin of each line, in body order.
    var origins: [Origin] = []
    /// The offset just past each line's `\n`, so that a batch can be split on line boundaries.
    var lineEnds: [Int] = []

    var isEmpty: Bool { origins.isEmpty }
    var lineCount: Int { origins.count }

    mutating func append(_ bytes: some Collection<UInt8>, origin: Origin) {
        body.append(contentsOf: bytes)
        body.append(UInt8(ascii: "\n"))
        origins.append(origin)
        lineEnds.append(body.count)
    }

    /// The body bytes of the lines in `lines` (indices into ``origins``).
    func body(of lines: Range<Int>) -> ArraySlice<UInt8> {
        let start = lines.lowerBound == 0 ? 0 : lineEnds[lines.lowerBound - 1]
        return body[start..<lineEnds[lines.upperBound - 1]]
    }
}
