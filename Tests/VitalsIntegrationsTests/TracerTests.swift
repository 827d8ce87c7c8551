import Instrumentation
import Testing
import Tracing
import Vitals
import VitalsIntegrations

@Suite("swift-distributed-tracing tracer")
struct TracerTests {
    struct ProviderError: Error, CustomStringConvertible {
        var description: String { "rate limited" }
    }

    struct Reply {
        var inputTokens: Int
        var outputTokens: Int
    }

    /// Drops the times and trace links, which two recordings of the same call never share.
    static func comparable(_ event: Event) -> Event {
        var event = event
        event.start = nil
        event.end = nil
        event.durationMilliseconds = 0
        event.traceID = nil
        event.spanID = nil
        event.parentSpanID = nil
        return event
    }

    @Test("a GenAI chat span gives the same llm_call event as measureLLMCall")
    func chatSpanMatchesMeasureLLMCall() throws {
        let measured = EventCollector(workerID: "w-1", labels: ["agent_id": "A7"])
        withEventCollector(measured) {
            measureLLMCall(model: "gpt-5-mini", phase: "initial", provider: "openai") {
                Reply(inputTokens: 1234, outputTokens: 89)
            } usage: { reply in
                LLMUsage(promptTokens: reply.inputTokens, completionTokens: reply.outputTokens)
            }
        }
        let traced = EventCollector(workerID: "w-1", labels: ["agent_id": "A7"])
        withEventCollector(traced) {
            withTracer(VitalsTracer()) {
                withSpan("chat gpt-5-mini", ofKind: .client) { span in
                    span.attributes["gen_ai.operation.name"] = "chat"
                    span.attributes["gen_ai.request.model"] = "gpt-5-mini"
                    span.attributes["gen_ai.response.model"] = "gpt-5-mini-2025-08-07"
                    span.attributes["gen_ai.system"] = "openai"
                    span.attributes["phase"] = "initial"
                    span.attributes["gen_ai.usage.input_tokens"] = 1234
                    span.attributes["gen_ai.usage.output_tokens"] = 89
                }
            }
        }
        let expected = try #require(measured.events.first)
        let event = try #require(traced.events.first)
        #expect(Self.comparable(event) == Self.comparable(expected))
        #expect(event.attributes["total_tokens"] == .int(1323))
        #expect(event.traceID?.count == 32)
        #expect(event.spanID?.count == 16)
        #expect(event.parentSpanID == nil)
        #expect(try #require(event.end).milliseconds(since: try #require(event.start)) >= 0)
    }

    @Test("gen_ai.provider.name wins over gen_ai.system, the response model stands in for a missing request model")
    func providerAndModelFallbacks() throws {
        let collector = EventCollector()
        let tracer = VitalsTracer()
        withEventCollector(collector) {
            tracer.withSpan("generate") { span in
                span.attributes["gen_ai.operation.name"] = "generate_content"
                span.attributes["gen_ai.response.model"] = "gemini-2.5-flash"
                span.attributes["gen_ai.provider.name"] = "gcp.gemini"
                span.attributes["gen_ai.system"] = "gemini"
                span.attributes["gen_ai.usage.input_tokens"] = -4
                span.attributes["route"] = "kb"
            }
        }
        let event = try #require(collector.events.first)
        #expect(event.name == "llm_call")
        #expect(event.attributes["model"] == .string("gemini-2.5-flash"))
        #expect(event.attributes["provider"] == .string("gcp.gemini"))
        #expect(event.attributes["prompt_tokens"] == nil)
        #expect(event.attributes["route"] == .string("kb"))
    }

    @Test("execute_tool gives a tool_call like measureToolCall; invoke_agent an agent_call labelled by agent")
    func toolAndAgentSpans() throws {
        let measured = EventCollector()
        withEventCollector(measured) { measureToolCall(tool: "ssh_exec") {} }
        let collector = EventCollector()
        let tracer = VitalsTracer()
        withEventCollector(collector) {
            tracer.withSpan("invoke_agent planner") { agent in
                agent.attributes["gen_ai.operation.name"] = "invoke_agent"
                agent.attributes["gen_ai.agent.id"] = "AGENT_54"
                agent.attributes["gen_ai.agent.name"] = "planner"
                tracer.withSpan("execute_tool ssh_exec") { tool in
                    tool.attributes["gen_ai.operation.name"] = "execute_tool"
                    tool.attributes["gen_ai.tool.name"] = "ssh_exec"
                }
            }
        }
        let tool = try #require(collector.events.first)
        let agent = try #require(collector.events.last)
        #expect(Self.comparable(tool) == Self.comparable(try #require(measured.events.first)))
        #expect(agent.name == "agent_call")
        #expect(agent.labels == ["agent_id": "AGENT_54", "agent_name": "planner"])
        #expect(tool.traceID == agent.traceID)
        #expect(tool.parentSpanID == agent.spanID)
        #expect(agent.parentSpanID == nil)
    }

    @Test("spans nest through the task-local context, across child tasks too")
    func nesting() async throws {
        let collector = EventCollector()
        let tracer = VitalsTracer()
        await withEventCollector(collector) {
            await withTracer(tracer) {
                await withSpan("pipeline_run") { _ in
                    await withTaskGroup(of: Void.self) { group in
                        for stage in ["extract", "transform"] {
                            group.addTask {
                                withSpan(stage) { span in span.attributes["agent_id"] = "A1" }
                            }
                        }
                    }
                }
                withSpan("other_root") { _ in }
            }
        }
        let events = Dictionary(collector.events.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let root = try #require(events["pipeline_run"])
        for stage in ["extract", "transform"] {
            let child = try #require(events[stage])
            #expect(child.traceID == root.traceID)
            #expect(child.parentSpanID == root.spanID)
            #expect(child.spanID != root.spanID)
            #expect(child.labels["agent_id"] == "A1")
        }
        #expect(events["other_root"]?.traceID != root.traceID)
        #expect(events["other_root"]?.parentSpanID == nil)
    }

    @Test("a thrown error fails the event with its text; cancellation and timeouts keep their own status")
    func errors() {
        let collector = EventCollector()
        let tracer = VitalsTracer()
        withEventCollector(collector) {
            _ = try? tracer.withSpan("llm_call") { span -> Void in
                span.attributes["gen_ai.operation.name"] = "chat"
                span.attributes["gen_ai.request.model"] = "glm-4.6"
                throw ProviderError()
            }
            _ = try? tracer.withSpan("cancelled_work") { _ -> Void in throw CancellationError() }
            tracer.withSpan("status_only") { span in
                span.setStatus(SpanStatus(code: .error, message: "HTTP 503"))
            }
        }
        let events = collector.events
        #expect(events.map(\.status) == [.error, .cancelled, .error])
        #expect(events.map(\.error) == ["rate limited", "CancellationError()", "HTTP 503"])
        #expect(events.first?.attributes == ["model": "glm-4.6"])
    }

    @Test("a span ends once, and spans outside any collector go to the tracer's own or nowhere")
    func endOnceAndFallback() {
        let fallback = EventCollector()
        let tracer = VitalsTracer(collector: fallback)
        let span = tracer.startSpan("background_job")
        span.end()
        span.end()
        span.attributes["late"] = "ignored"
        #expect(fallback.events.map(\.name) == ["background_job"])
        #expect(fallback.events.first?.attributes.isEmpty == true)
        #expect(!span.isRecording)
        VitalsTracer().startSpan("dropped").end()
    }

    @Test("bad span input: empty names, negative durations, huge values and many attributes")
    func badInput() throws {
        let collector = EventCollector()
        let tracer = VitalsTracer()
        withEventCollector(collector) {
            let span = tracer.startSpan("", at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: 2_000_000_000))
            span.attributes["note"] = SpanAttribute.string(String(repeating: "x", count: 100_000))
            span.attributes["nan"] = SpanAttribute.double(.nan)
            for index in 0..<500 { span.attributes["k\(index)"] = SpanAttribute.int64(Int64(index)) }
            span.end(at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: 1_000_000_000))
        }
        let event = try #require(collector.events.first)
        #expect(event.name == "unnamed")
        #expect(event.durationMilliseconds == 0)
        #expect(event.attributes.count == 128)
        #expect(event.attributes["k0"] == .int(0))
    }

    @Test("traceparent is injected and extracted, continuing the remote trace; malformed headers are ignored")
    func propagation() throws {
        struct DictionaryInjector: Injector {
            func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
                carrier[key] = value
            }
        }
        struct DictionaryExtractor: Extractor {
            func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
        }
        let tracer = VitalsTracer()
        let collector = EventCollector()
        var headers: [String: String] = [:]
        withEventCollector(collector) {
            tracer.withSpan("client") { span in
                tracer.inject(span.context, into: &headers, using: DictionaryInjector())
            }
        }
        let client = try #require(collector.events.first)
        #expect(headers["traceparent"] == "00-\(client.traceID!)-\(client.spanID!)-01")

        var context = InstrumentationContext.topLevel
        tracer.extract(headers, into: &context, using: DictionaryExtractor())
        withEventCollector(collector) {
            tracer.withSpan("server", context: context) { _ in }
        }
        let server = try #require(collector.events.last)
        #expect(server.traceID == client.traceID)
        #expect(server.parentSpanID == client.spanID)

        for bad in [
            "", "00-abc-def-01", "00-\(String(repeating: "0", count: 32))-\(client.spanID!)-01",
            "00-\(client.traceID!.uppercased())-\(client.spanID!)-01", "ff-\(client.traceID!)-\(client.spanID!)-01",
        ] {
            var fresh = InstrumentationContext.topLevel
            tracer.extract(["traceparent": bad], into: &fresh, using: DictionaryExtractor())
            var injected: [String: String] = [:]
            tracer.inject(fresh, into: &injected, using: DictionaryInjector())
            #expect(injected.isEmpty, "accepted \(bad)")
        }
    }
}
