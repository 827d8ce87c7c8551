import Testing
import Vitals
import VitalsStore

@Suite("Raw event detail")
struct RawEventCodecTests {
    @Test("series labels are left out of the detail and put back from the series")
    func omitsSeriesLabels() throws {
        let identity = SeriesIdentity(labelKeys: SeriesKey.defaultLabelKeys)
        let omitted = RawEventCodec.OmittedKeys(seriesLabelKeys: SeriesKey.defaultLabelKeys)
        let event = Event(
            name: "llm_call",
            end: Timestamp(nanosecondsSinceEpoch: 5),
            durationMilliseconds: 1.25,
            labels: ["agent_id": "agent-with-a-long-name", "region": "eu"],
            attributes: ["model": "a-model-name-that-is-long", "prompt_tokens": 3]
        )
        let series = identity.key(for: event)
        let short = RawEventCodec.encode(event, omitting: omitted)
        let full = RawEventCodec.encode(event, omitting: nil)
        #expect(short.count < full.count - 40)
        let row = RawEventRow(time: 5, durationMilliseconds: 1.25, status: .ok, detail: short)
        let back = try RawEventCodec.decode(row, series: series)
        #expect(Set(back.labels.elements) == Set(event.labels.elements))
        #expect(Set(back.attributes.elements) == Set(event.attributes.elements))
    }

    @Test("a truncated or foreign detail is an error, not a crash")
    func malformed() {
        let series = SeriesKey(kind: .event, name: "x", labels: [:])
        let full = RawEventCodec.encode(
            Event(name: "x", durationMilliseconds: 1, error: "boom", attributes: ["k": "v"]),
            omitting: nil
        )
        for length in 0..<full.count {
            let row = RawEventRow(time: 0, durationMilliseconds: 1, status: .error, detail: Array(full.prefix(length)))
            #expect(throws: ByteReader.Malformed.self) { _ = try RawEventCodec.decode(row, series: series) }
        }
    }
}
