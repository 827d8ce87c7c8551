import Vitals

/// The events of one `POST /v1/traces` body: every span that could be read, mapped through the GenAI conventions
/// (``GenAISpanMapping``), and a count of the spans that could not, with the first reasons. Good spans are kept
/// whatever the others hold.
struct OTLPTraceBatch: Sendable {
    /// One event per accepted span, in body order.
    var records: [Record] = []
    /// For each record, its span's 1-based position in the body.
    var spanNumbers: [Int] = []
    /// Spans that could not be read (their bytes were well framed, their content was not).
    var rejectedSpans = 0
    /// The first ``listedReasons`` reasons, each naming the span by its 1-based position in the body.
    var reasons: [String] = []

    /// Reasons kept for the answer; the rest are only counted.
    static let listedReasons = 10
    /// The deepest nesting of lists and maps in an attribute value.
    static let maximumValueDepth = 8
    /// The most resource attributes that are read.
    static let maximumResourceAttributes = 128

    let maximumSpans: Int
    /// Spans seen so far, accepted or not.
    private(set) var spanCount = 0

    init(maximumSpans: Int) {
        self.maximumSpans = maximumSpans
    }

    /// Counts the next span of the body and checks it stays within the limit; returns its 1-based number.
    mutating func nextSpan() throws(IngestBodyError) -> Int {
        spanCount += 1
        guard spanCount <= maximumSpans else {
            throw IngestBodyError(
                "the body holds more than \(maximumSpans) spans; send at most \(maximumSpans) per request",
                tooLarge: true
            )
        }
        return spanCount
    }

    mutating func accept(span number: Int, _ event: Event) {
        records.append(.event(event))
        spanNumbers.append(number)
    }

    mutating func reject(span number: Int, _ reason: String) {
        rejectedSpans += 1
        if reasons.count < Self.listedReasons { reasons.append("span \(number): \(reason)") }
    }

    /// The partial-success message: the first reasons, and how many more there were.
    static func errorMessage(rejected: Int, reasons: [String]) -> String {
        var message = reasons.joined(separator: "; ")
        if rejected > reasons.count { message += "; and \(rejected - reasons.count) more" }
        return message
    }

    /// The labels a resource gives its spans: `service.name` as `service`, and identity keys (`agent_id`, …, or
    /// their GenAI aliases) as they are. Other resource attributes (host, SDK, process) are not kept: they would
    /// be the same on every event of the process.
    static func resourceLabels(_ attributes: [(key: String, value: SpanAttributeValue)]) -> Labels {
        var labels = Labels()
        for (key, value) in attributes {
            let key = key == "service.name" ? WireKey.service : WireKey.aliases[key] ?? key
            guard WireKey.identityLabels.contains(key), labels[key] == nil,
                let text = GenAISpanMapping.text(value)
            else { continue }
            labels[key] = text
        }
        return labels
    }

    /// Lowercase hex of an identifier.
    static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            digits.withUTF8Buffer { digits in
                for (index, byte) in bytes.enumerated() {
                    buffer[2 * index] = digits[Int(byte >> 4)]
                    buffer[2 * index + 1] = digits[Int(byte & 0x0F)]
                }
            }
            return bytes.count * 2
        }
    }
}

/// What a decoded span hands to the mapping.
struct OTLPSpanFields {
    var traceID: String?
    var spanID: String?
    var parentSpanID: String?
    var name = ""
    var start: UInt64 = 0
    var end: UInt64 = 0
    var attributes: [(key: String, value: SpanAttributeValue)] = []
    var statusCode: UInt64 = 0
    var statusMessage: String?

    /// The span's event, or why it has none.
    func event(labels: Labels) -> Result<Event, OTLPSpanError> {
        guard let traceID else { return .failure(OTLPSpanError("trace_id is missing")) }
        guard let spanID else { return .failure(OTLPSpanError("span_id is missing")) }
        guard start != 0 else { return .failure(OTLPSpanError("start_time_unix_nano is missing or 0")) }
        guard end != 0 else { return .failure(OTLPSpanError("end_time_unix_nano is missing or 0")) }
        guard start <= UInt64(Int64.max), end <= UInt64(Int64.max) else {
            return .failure(OTLPSpanError("a time is past the year 2262; expected nanoseconds since 1970"))
        }
        // Status code 2 is ERROR (0 unset, 1 ok).
        let failure: (status: EventStatus, text: String?)? = statusCode == 2 ? (.error, statusMessage) : nil
        return .success(
            GenAISpanMapping.event(
                operationName: name,
                attributes: attributes,
                labels: labels,
                failure: failure,
                startNanoseconds: start,
                endNanoseconds: end,
                traceID: traceID,
                spanID: spanID,
                parentSpanID: parentSpanID
            )
        )
    }
}

/// Why one span (or one attribute of it) cannot be read.
struct OTLPSpanError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}
