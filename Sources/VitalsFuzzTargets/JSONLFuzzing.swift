import Vitals

/// The checks of the `jsonl` fuzz target on one line.
enum JSONLFuzzing {
    private static let decoder = JSONLDecoder(maximumLineLength: 64 * 1024)
    private static let encoder = JSONLEncoder()

    /// Decodes `input` as one line. What is accepted must hold no control character in a name or label, and must
    /// survive encoding: the encoder's line decodes, and encodes again to the same line.
    static func line(_ input: UnsafeRawBufferPointer) {
        guard let record = try? decoder.decode(line: input) else { return }
        switch record {
        case .event(let event):
            requireClean(event.name, "event name")
            for label in event.labels { requireClean(label.key, "label key") }
            for label in event.labels { requireClean(label.value, "label value") }
            for attribute in event.attributes { requireClean(attribute.key, "attribute key") }
            precondition(event.durationMilliseconds >= 0, "a negative duration was accepted")
        case .sample(let sample):
            requireClean(sample.name, "metric name")
            for label in sample.labels { requireClean(label.key, "label key") }
            for label in sample.labels { requireClean(label.value, "label value") }
            precondition(sample.value.isFinite, "a sample value that is not finite was accepted")
        }
        let encoded = encoder.encode(record)
        let again: Record
        do {
            again = try decoder.decode(line: encoded)
        } catch {
            preconditionFailure("the encoder wrote a line its decoder refuses (\(error)): \(encoded)")
        }
        let reencoded = encoder.encode(again)
        precondition(reencoded == encoded, "encoding is not stable:\n\(encoded)\n\(reencoded)")
    }

    private static func requireClean(_ text: String, _ what: String) {
        precondition(
            !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
            "a control character was accepted in a \(what): \(text.debugDescription)"
        )
    }
}
