import Testing
import Vitals

private struct StreamBroke: Error {}

/// A reply streamed in `chunks` pieces: the first after `firstDelay`, the others `gap` apart.
private func streamedReply(
    chunks: Int,
    tokensPerChunk: Int?,
    firstDelay: Duration,
    gap: Duration,
    failAfter: Int? = nil,
    probe: LLMStreamProbe
) async throws -> String {
    var text = ""
    for index in 0..<chunks {
        try await Task.sleep(for: index == 0 ? firstDelay : gap)
        if index == failAfter { throw StreamBroke() }
        probe.chunk(tokens: tokensPerChunk)
        text += "w\(index) "
    }
    return text
}

@Suite("measureLLMStream")
struct LLMStreamTests {
    func number(_ event: Event, _ key: String) -> Double? { event.attributes[key]?.doubleValue }

    @Test("time to first chunk, chunk count and output tokens per second become attributes of the llm_call event")
    func streamingFigures() async throws {
        let collector = EventCollector(workerID: "w-1")
        let reply = try await withEventCollector(collector) {
            try await measureLLMStream(model: "gpt-5-mini", provider: "openai") { probe in
                try await streamedReply(
                    chunks: 5,
                    tokensPerChunk: 2,
                    firstDelay: .milliseconds(40),
                    gap: .milliseconds(10),
                    probe: probe
                )
            }
        }
        #expect(reply.hasPrefix("w0 w1"))
        let event = try #require(collector.events.first)
        #expect(event.name == "llm_call")
        #expect(event.attributes["model"] == .string("gpt-5-mini"))
        #expect(event.attributes["chunks"] == .int(5))
        // Without a usage reader, the chunks' own counts are the output tokens.
        #expect(event.attributes["completion_tokens"] == .int(10))
        let firstToken = try #require(number(event, "ttft_ms"))
        let rate = try #require(number(event, "tokens_per_s"))
        #expect(firstToken >= 40)
        #expect(firstToken < event.durationMilliseconds)
        // 10 tokens over the time from the first chunk to the end of the call (the duration's end, to the
        // nanosecond, whatever the machine's load).
        let generationSeconds = (event.durationMilliseconds - firstToken) / 1_000
        #expect(abs(rate * generationSeconds - 10) < 0.001, "rate \(rate), generation \(generationSeconds) s")
    }

    @Test("the usage reader's completion tokens win over the chunks' counts")
    func usageWins() async throws {
        let collector = EventCollector()
        try await withEventCollector(collector) {
            try await measureLLMStream(model: "m") { probe in
                try await streamedReply(
                    chunks: 3,
                    tokensPerChunk: 1,
                    firstDelay: .milliseconds(1),
                    gap: .milliseconds(5),
                    probe: probe
                )
            } usage: { _ in
                LLMUsage(promptTokens: 100, completionTokens: 30)
            }
        }
        let event = try #require(collector.events.first)
        #expect(event.attributes["completion_tokens"] == .int(30))
        #expect(event.attributes["prompt_tokens"] == .int(100))
        let firstToken = try #require(number(event, "ttft_ms"))
        let rate = try #require(number(event, "tokens_per_s"))
        #expect(abs(rate * (event.durationMilliseconds - firstToken) / 1_000 - 30) < 0.001)
    }

    @Test("a stream that breaks is recorded as failed with the chunks that came; one without chunks has no figures")
    func failuresAndSilence() async throws {
        let collector = EventCollector()
        await withEventCollector(collector) {
            await #expect(throws: StreamBroke.self) {
                try await measureLLMStream(model: "m") { probe in
                    try await streamedReply(
                        chunks: 5,
                        tokensPerChunk: nil,
                        firstDelay: .milliseconds(1),
                        gap: .milliseconds(1),
                        failAfter: 2,
                        probe: probe
                    )
                }
            }
            await measureLLMStream(model: "silent") { _ in "" }
        }
        let events = collector.events
        #expect(events.count == 2)
        #expect(events[0].status == .error)
        #expect(events[0].attributes["chunks"] == .int(2))
        #expect(events[0].attributes["ttft_ms"] != nil)
        // No token counts anywhere: no rate is made up.
        #expect(events[0].attributes["tokens_per_s"] == nil)
        #expect(events[1].status == .ok)
        #expect(events[1].attributes["ttft_ms"] == nil && events[1].attributes["chunks"] == nil)
    }

    @Test("outside a collector the operation just runs")
    func outsideACollector() async throws {
        let text = try await measureLLMStream(model: "m") { probe in
            try await streamedReply(chunks: 2, tokensPerChunk: 1, firstDelay: .zero, gap: .zero, probe: probe)
        }
        #expect(text == "w0 w1 ")
    }

    @Test("the summary shows the mean time to first token and tokens per second by model")
    func summaryColumns() throws {
        func call(_ model: String, ttft: Double?, rate: Double?) -> Event {
            var attributes: Attributes = ["model": .string(model), "completion_tokens": .int(10)]
            if let ttft { attributes["ttft_ms"] = .double(ttft) }
            if let rate { attributes["tokens_per_s"] = .double(rate) }
            return Event(name: "llm_call", durationMilliseconds: 500, attributes: attributes)
        }
        var summary = EventSummary()
        summary.add(call("fast", ttft: 100, rate: 40), file: "f", line: 1)
        summary.add(call("fast", ttft: 300, rate: 60), file: "f", line: 2)
        summary.add(call("batch", ttft: nil, rate: nil), file: "f", line: 3)
        let text = summary.renderText()
        let header = try #require(text.split(separator: "\n").first { $0.contains("MODEL") })
        #expect(header.contains("TTFT_AVG") && header.contains("TOKENS/S"))
        let fast = try #require(text.split(separator: "\n").first { $0.hasPrefix("  fast") })
        #expect(fast.contains("200.0ms") && fast.contains("50.0"), "\(fast)")
        let json = summary.renderJSON()
        #expect(json.contains(#""model":"fast","#))
        #expect(json.contains(#""ttft_ms_avg":200,"tokens_per_s_avg":50"#))
        #expect(json.contains(#""ttft_ms_avg":null,"tokens_per_s_avg":null"#))

        var plain = EventSummary()
        plain.add(call("batch", ttft: nil, rate: nil), file: "f", line: 1)
        #expect(!plain.renderText().contains("TTFT_AVG"))
    }
}
