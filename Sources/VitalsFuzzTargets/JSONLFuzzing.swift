import Vitals

/// The checks of the `jsonl` fuzz target on one line.
enum JSONLFuzzing {
    private static let decoder = JSONLDecoder(maximumLineLength: 64 * 1024)
    private static let encoder = JSONLEncoder()

    /// Decodes `input` as one line. What is accepted must hold no control character in a name or label, and must
    /// survive encoding: the encoder's line decodes, and after one round trip encodes to the same line.
    static func line(_ input: UnsafeRawBufferPointer) {
        summarise(input)
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
        // The first trip may normalise (JSONLEncoder lists how: a missing timestamp is derived, attributes are
        // reordered…); from then on the line must not change.
        let first = encoder.encode(record)
        let second = encoder.encode(decodeWritten(first))
        let third = encoder.encode(decodeWritten(second))
        precondition(third == second, "encoding is not stable:\n\(second)\n\(third)")
    }

    /// `vitals summary` reads most lines as facts without building the event: the line must come out exactly as
    /// the full decoder makes it, rejected with the same error or counted the same, with and without `--by`.
    private static func summarise(_ input: UnsafeRawBufferPointer) {
        for groupBy in [[], ["agent_id", "status", "model"]] as [[String]] {
            let options = SummaryOptions(groupBy: groupBy, slowestLimit: 2, failedLimit: 2)
            var facts = SummaryLineReader(options: options)
            var full = SummaryLineReader(options: options, readsFacts: false)
            var viaFacts = EventSummary(options: options)
            var viaFull = EventSummary(options: options)
            let factsError = facts.add(input, file: "f", line: 1, fileIndex: 0, to: &viaFacts)
            let fullError = full.add(input, file: "f", line: 1, fileIndex: 0, to: &viaFull)
            precondition(
                factsError == fullError,
                "the facts path rejects differently: \(String(describing: factsError))"
            )
            precondition(
                viaFacts.renderJSON() == viaFull.renderJSON() && viaFacts.operations == viaFull.operations
                    && viaFacts.models == viaFull.models && viaFacts.tools == viaFull.tools,
                "the facts path summarises differently:\n\(viaFacts.renderJSON())\n\(viaFull.renderJSON())"
            )
        }
    }

    private static func decodeWritten(_ line: String) -> Record {
        do {
            return try decoder.decode(line: line)
        } catch {
            preconditionFailure("the encoder wrote a line its decoder refuses (\(error)): \(line)")
        }
    }

    private static func requireClean(_ text: String, _ what: String) {
        precondition(
            !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
            "a control character was accepted in a \(what): \(text.debugDescription)"
        )
    }
}
