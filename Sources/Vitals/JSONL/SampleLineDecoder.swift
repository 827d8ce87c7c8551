/// Decodes the keys of one line as a gauge sample: `metric`, `value`, an optional `ts`, and labels.
struct SampleLineDecoder {
    private var scanner: JSONLScanner
    private var name: String?
    private var value: Double?
    private var timestamp: Timestamp?
    private var labels = Labels()

    init(scanner: JSONLScanner) {
        self.scanner = scanner
    }

    mutating func decode() throws(JSONLError) -> Sample {
        try scanner.beginObject()
        while let (key, keyToken) = try scanner.nextField() {
            let token = try scanner.value(of: key, keyToken)
            switch key {
            case .metric:
                name = try scanner.nonEmptyString(token, field: "metric")
            case .value:
                if let number = try scanner.optionalNumber(token, field: "value") { value = number }
            case .timestamp:
                if let time = try scanner.optionalTimestamp(token, field: "ts") { timestamp = time }
            case .event:
                throw EventLineDecoder.eventAndMetric()
            default:
                // Labels keep the key exactly as written: aliases are an event convention.
                let labelName = scanner.keyName(key, keyToken)
                guard let text = try scanner.labelText(token, field: labelName, allowBoolean: true) else { continue }
                labels[labelName] = text
            }
        }
        guard let name else {
            throw JSONLError(code: .missingField, reason: "missing \"metric\"", field: "metric")
        }
        guard let value else {
            throw JSONLError(code: .missingField, reason: "missing \"value\"", field: "value")
        }
        return Sample(name: name, value: value, timestamp: timestamp, labels: labels)
    }

    /// Whether a line names a `metric` and no `event`, judged from its keys alone; `false` when the line
    /// cannot be scanned that far.
    static func isSampleLine(base: UnsafePointer<UInt8>, count: Int) -> Bool {
        var scanner = JSONLScanner(base: base, count: count)
        var sawMetric = false
        do throws(JSONLError) {
            try scanner.beginObject()
            while let (key, _) = try scanner.nextField() {
                if key == .event { return false }
                if key == .metric { sawMetric = true }
                let token = try scanner.value()
                if token.kind == .object || token.kind == .array { return sawMetric }
            }
        } catch {
            return sawMetric
        }
        return sawMetric
    }
}
