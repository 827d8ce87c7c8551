/// What a line says about its event's time, gathered key by key and settled once every key is read; shared by
/// the full decoder (``EventLineDecoder``) and the summary's facts reader (``EventFactsDecoder``), so that both
/// give every line the same duration and reject the same times.
struct LineTiming {
    var start: Timestamp?
    var end: Timestamp?
    var timestamp: Timestamp?
    var duration: Double?

    /// Takes the value of a timestamp key when it is a plain timestamp, parsed in place without a string scan;
    /// `false` (nothing consumed) for any other key or value.
    @inline(__always)
    mutating func takePlainTimestamp(_ key: JSONLKey, _ scanner: inout JSONLScanner) -> Bool {
        switch key {
        case .startTimestamp, .endTimestamp, .timestamp:
            guard let time = scanner.plainTimestamp() else { return false }
            if key == .startTimestamp {
                start = time
            } else if key == .endTimestamp {
                end = time
            } else {
                timestamp = time
            }
            return true
        default:
            return false
        }
    }

    /// Takes the value of `start_ts`, `end_ts`, `ts` or `duration_ms`; null leaves it unset.
    mutating func take(_ key: JSONLKey, _ value: JSONLToken, _ scanner: JSONLScanner) throws(JSONLError) {
        switch key {
        case .startTimestamp:
            if let time = try scanner.optionalTimestamp(value, field: "start_ts") { start = time }
        case .endTimestamp:
            if let time = try scanner.optionalTimestamp(value, field: "end_ts") { end = time }
        case .timestamp:
            if let time = try scanner.optionalTimestamp(value, field: "ts") { timestamp = time }
        default:
            guard let number = try scanner.optionalNumber(value, field: "duration_ms") else { return }
            guard number >= 0, number <= JSONLDecoder.maximumDurationMilliseconds else {
                throw .field(
                    "duration_ms",
                    .outOfRange,
                    "expected a number of milliseconds from 0 to 1e12, found \(scanner.rawText(value))"
                )
            }
            duration = number
        }
    }

    /// The start, end and duration of the event: a written duration wins and fills a missing end (or start);
    /// without one, the duration is the time between start and end (`ts` stands in for a missing `end_ts`);
    /// with neither, it is 0.
    func settled() throws(JSONLError) -> (start: Timestamp?, end: Timestamp?, duration: Double) {
        let writtenEnd = end
        var start = start
        var end = end ?? timestamp
        if let start, let end, end < start {
            throw .field(
                writtenEnd == nil ? "ts" : "end_ts",
                .invalidValue,
                "end time \(end.rfc3339) is before start_ts \(start.rfc3339)"
            )
        }
        var duration = 0.0
        if let writtenDuration = self.duration {
            duration = writtenDuration
            if start == nil || end == nil {
                let nanoseconds = Int64((writtenDuration * 1_000_000).rounded())
                if let known = end {
                    let (moved, overflow) = known.nanosecondsSinceEpoch.subtractingReportingOverflow(nanoseconds)
                    guard !overflow else { throw durationOutOfRange() }
                    start = Timestamp(nanosecondsSinceEpoch: moved)
                } else if let known = start {
                    let (moved, overflow) = known.nanosecondsSinceEpoch.addingReportingOverflow(nanoseconds)
                    guard !overflow else { throw durationOutOfRange() }
                    end = Timestamp(nanosecondsSinceEpoch: moved)
                }
            }
        } else if let start, let end {
            duration = end.milliseconds(since: start)
            // A derived duration is held to the bound of a written one, so that every event read can be written.
            guard duration <= JSONLDecoder.maximumDurationMilliseconds else {
                throw .field(
                    writtenEnd == nil ? "ts" : "end_ts",
                    .outOfRange,
                    "end time \(end.rfc3339) is more than 1e12 ms (about 31 years) after start_ts \(start.rfc3339)"
                )
            }
        }
        return (start, end, duration)
    }

    private func durationOutOfRange() -> JSONLError {
        .field("duration_ms", .outOfRange, "the derived timestamp is outside the supported range 1677…2262")
    }
}
