package import Vitals

/// The `update` event of `/v1/stream`: the overview's figures, formatted as the page shows them, plus raw numbers
/// for scripts.
package enum LiveUpdate {
    /// `event: update` and one `data:` line of JSON, ending with the blank line that closes an SSE event:
    /// `{"window":"1h","generated_at":"…","generation":N,"count":N,"errors":N,"values":{"events_per_s":"1.2/s",…}}`.
    ///
    /// - Parameter generation: The server's count of committed batches the figures include: a page refetches its
    ///   content when it changes.
    package static func event(_ data: OverviewData, generation: UInt64, generatedAt: Timestamp = .now()) -> String {
        var json = JSONWriter()
        json.beginObject()
        json.string("window", data.window.rawValue)
        json.string("generated_at", generatedAt.rfc3339)
        json.integer("generation", Int(clamping: generation))
        json.integer("count", data.total.count)
        json.integer("errors", data.total.errors)
        json.number("p95_ms", data.total.quantile(0.95))
        json.beginObject("values")
        for (key, text) in data.liveValues { json.string(key, text) }
        json.endObject()
        json.endObject()
        return "event: update\ndata: " + String(decoding: json.bytes, as: UTF8.self) + "\n\n"
    }
}
