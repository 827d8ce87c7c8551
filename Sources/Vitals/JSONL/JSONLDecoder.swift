/// Decodes one JSONL line (a flat JSON object) into an event or a gauge sample.
///
/// The decoder is a hand-written byte parser: it enforces the JSON grammar and UTF-8, recognises the
/// reserved keys of the wire format (DESIGN.md, "Wire format: JSONL events") without building strings for
/// them, and reports the first problem of a bad line as a ``JSONLError`` that names the field and what was
/// expected. It holds only options, so one value can be shared by any number of threads.
///
/// Rules, in short:
/// - `event` (a non-empty string) or `metric` is required, not both.
/// - `start_ts`, `end_ts`, `ts` are RFC 3339; `ts` is the end time when `end_ts` is absent.
/// - `duration_ms` is a number in `0...1e12`. Absent, it is derived from the two timestamps (or is 0 for an
///   instant event); present with one timestamp, it gives the other one.
/// - `status` (`ok`, `error`, `timeout`, `cancelled`/`canceled`) wins over `success`; with neither, a non-empty
///   `error` means `.error`.
/// - Identity labels (`service`, `agent_id`, …) are strings or numbers (kept as written); every other key
///   is an attribute holding a string, a number or a boolean. `null` values are ignored. Nested objects and
///   arrays are rejected. Of duplicate keys the last one wins.
/// - OpenTelemetry GenAI names (`gen_ai.request.model`, …) are read as their conventional names, which win
///   when both are present.
/// - A gauge sample has `metric`, a finite `value`, an optional `ts`; its other keys become text labels.
///
/// ```swift
/// let decoder = JSONLDecoder()
/// let record = try decoder.decode(line: #"{"event":"tool_call","tool":"ssh_exec","duration_ms":12}"#)
/// if case .event(let event) = record { print(event.name, event.durationMilliseconds) }  // tool_call 12.0
/// ```
public struct JSONLDecoder: Sendable {
    /// The default longest line accepted: 1 MiB.
    public static let defaultMaximumLineLength = 1 << 20
    /// The largest `duration_ms` accepted (about 31 years); larger values are errors, not silent overflows.
    public static let maximumDurationMilliseconds: Double = 1e12

    /// The longest line, in bytes without the line break, that ``decode(line:)-(UnsafeRawBufferPointer)``
    /// accepts. Default ``defaultMaximumLineLength``.
    public var maximumLineLength: Int

    /// Creates a decoder.
    ///
    /// - Parameter maximumLineLength: The longest line accepted, in bytes.
    public init(maximumLineLength: Int = JSONLDecoder.defaultMaximumLineLength) {
        self.maximumLineLength = maximumLineLength
    }

    /// Decodes one line given as UTF-8 bytes, without its `\n`; a trailing `\r` is ignored.
    ///
    /// - Parameter line: The bytes of the line. They are only read during the call.
    /// - Returns: The event or gauge sample the line holds.
    /// - Throws: ``JSONLError`` naming the problem (without line number or file: see
    ///   ``JSONLError/withLocation(file:line:)``).
    public func decode(line: UnsafeRawBufferPointer) throws(JSONLError) -> Record {
        var event = Event(name: "", durationMilliseconds: 0, labels: Labels(), attributes: Attributes())
        if let sample = try decode(line: line, into: &event) { return .sample(sample) }
        return .event(event)
    }

    /// Decodes one line into an existing event, reusing the storage of its labels and attributes, which
    /// spares a reader of many lines an allocation and a release per line.
    ///
    /// The event is overwritten completely: afterwards it equals what ``decode(line:)-(UnsafeRawBufferPointer)``
    /// returns for the line. When the line is a gauge sample, the sample is returned and `event` is left in
    /// an unspecified (valid) state; when the line is bad, the error is thrown and the same holds.
    ///
    /// ```swift
    /// var event = Event(name: "", durationMilliseconds: 0)
    /// while let line = try reader.next() {
    ///     if let sample = try decoder.decode(line: line.bytes, into: &event) { use(sample) } else { use(event) }
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - line: The bytes of the line, without its `\n`; a trailing `\r` is ignored.
    ///   - event: Receives the event the line holds.
    /// - Returns: `nil` for an event line (now in `event`), or the gauge sample the line holds.
    /// - Throws: ``JSONLError`` naming the problem.
    public func decode(line: UnsafeRawBufferPointer, into event: inout Event) throws(JSONLError) -> Sample? {
        var count = line.count
        guard count > 0, let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw JSONLError(code: .invalidJSON, reason: "invalid JSON at byte 1: empty line")
        }
        if base[count - 1] == UInt8(ascii: "\r") { count -= 1 }
        guard count <= maximumLineLength else {
            throw JSONLError(
                code: .lineTooLong,
                reason: "line is \(count) bytes long, more than the maximum of \(maximumLineLength)"
            )
        }
        var scanner = JSONLScanner(base: base, count: count)
        do throws(JSONLError) {
            return try EventLineDecoder.decode(&scanner, into: &event)
        } catch {
            // A key that makes sense in an event may have come before a `metric` key; then the line is a
            // sample after all and is decoded again as one.
            guard SampleLineDecoder.isSampleLine(base: base, count: count) else { throw error }
            var sampleDecoder = SampleLineDecoder(scanner: JSONLScanner(base: base, count: count))
            return try sampleDecoder.decode()
        }
    }

    /// Decodes one line given as a string (without its line break).
    ///
    /// - Throws: ``JSONLError`` naming the problem.
    public func decode(line: String) throws(JSONLError) -> Record {
        var line = line
        let result = line.withUTF8 { buffer in
            Result { () throws(JSONLError) in try decode(line: UnsafeRawBufferPointer(buffer)) }
        }
        return try result.get()
    }

    /// Decodes one line given as bytes (without its line break).
    ///
    /// - Throws: ``JSONLError`` naming the problem.
    public func decode(line: [UInt8]) throws(JSONLError) -> Record {
        let result = line.withUnsafeBytes { buffer in
            Result { () throws(JSONLError) in try decode(line: buffer) }
        }
        return try result.get()
    }
}
