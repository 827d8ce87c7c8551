import Testing
import Vitals
import VitalsExposition

@Suite("Event families")
struct EventFamilyTests {
    private func event(
        _ name: String = "llm_call",
        milliseconds: Double,
        status: EventStatus = .ok,
        labels: Labels = ["agent_id": "AGENT_54"],
        attributes: Attributes = ["model": "gpt-5-mini"]
    ) -> Record {
        .event(
            Event(
                name: name,
                durationMilliseconds: milliseconds,
                status: status,
                labels: labels,
                attributes: attributes
            )
        )
    }

    @Test("histogram buckets are cumulative, with _sum and _count")
    func histogram() {
        let registry = ExpositionRegistry(durationBuckets: [0.1, 1, 10])
        registry.record([
            event(milliseconds: 50),
            event(milliseconds: 100),  // on the bound: le is inclusive
            event(milliseconds: 500),
            event(milliseconds: 2_000),
            event(milliseconds: 60_000),
        ])
        let parsed = registry.parsed()
        let labels = ["event": "llm_call", "agent_id": "AGENT_54", "model": "gpt-5-mini", "status": "ok"]
        let bucket = "vitals_event_duration_seconds_bucket"
        #expect(parsed.value(bucket, labels.merging(["le": "0.1"]) { $1 }) == 2)
        #expect(parsed.value(bucket, labels.merging(["le": "1.0"]) { $1 }) == 3)
        #expect(parsed.value(bucket, labels.merging(["le": "10.0"]) { $1 }) == 4)
        #expect(parsed.value(bucket, labels.merging(["le": "+Inf"]) { $1 }) == 5)
        #expect(parsed.samples(bucket).count == 4)
        #expect(parsed.value("vitals_event_duration_seconds_count", labels) == 5)
        let sum = parsed.value("vitals_event_duration_seconds_sum", labels) ?? 0
        #expect(abs(sum - 62.65) < 1e-9)
        #expect(parsed.value("vitals_events_total", labels) == 5)
        #expect(parsed.value("vitals_event_errors_total", labels) == 0)
    }

    @Test("labels come from identity labels and attributes; absent ones are left out")
    func labels() {
        let registry = ExpositionRegistry()
        registry.record([
            event(
                "tool_call",
                milliseconds: 5,
                labels: ["service": "pipeline", "worker_id": "w-7"],
                attributes: ["tool": "ssh_exec", "phase": "verify", "prompt_tokens": 3, "confidence": 0.9]
            )
        ])
        let sample = registry.parsed().samples("vitals_events_total").first
        #expect(
            sample?.labels == [
                "event": "tool_call", "service": "pipeline", "worker_id": "w-7", "tool": "ssh_exec",
                "phase": "verify", "status": "ok",
            ]
        )
    }

    @Test("errors count every status but ok; each status is its own series")
    func errors() {
        let registry = ExpositionRegistry()
        registry.record([
            event(milliseconds: 10),
            event(milliseconds: 10, status: .error),
            event(milliseconds: 10, status: .timeout),
            event(milliseconds: 10, status: .timeout),
            event(milliseconds: 10, status: .cancelled),
        ])
        let parsed = registry.parsed()
        #expect(parsed.value("vitals_event_errors_total", ["status": "ok"]) == 0)
        #expect(parsed.value("vitals_event_errors_total", ["status": "error"]) == 1)
        #expect(parsed.value("vitals_event_errors_total", ["status": "timeout"]) == 2)
        #expect(parsed.value("vitals_event_errors_total", ["status": "cancelled"]) == 1)
        #expect(parsed.samples("vitals_event_errors_total").reduce(0) { $0 + $1.value } == 4)

        let unlabelled = ExpositionRegistry(labelKeys: ["agent_id"])
        unlabelled.record([event(milliseconds: 1), event(milliseconds: 1, status: .error)])
        let single = unlabelled.parsed()
        #expect(single.value("vitals_events_total", ["agent_id": "AGENT_54"]) == 2)
        #expect(single.value("vitals_event_errors_total", ["agent_id": "AGENT_54"]) == 1)
    }

    @Test("tokens by kind and cost add up, OpenTelemetry names included")
    func tokensAndCost() {
        let registry = ExpositionRegistry()
        registry.record([
            event(
                milliseconds: 800,
                attributes: ["model": "m", "prompt_tokens": 1_234, "completion_tokens": 89, "cost_usd": 0.0125]
            ),
            event(
                milliseconds: 900,
                attributes: ["model": "m", "prompt_tokens": 1_000, "completion_tokens": 11, "cost_usd": 0.0075]
            ),
            event(
                milliseconds: 700,
                attributes: ["model": "m", "gen_ai.usage.input_tokens": 66, "gen_ai.usage.output_tokens": 100]
            ),
            event("tool_call", milliseconds: 3, attributes: ["tool": "grep"]),
        ])
        let parsed = registry.parsed()
        #expect(parsed.value("vitals_tokens_total", ["event": "llm_call", "kind": "prompt"]) == 2_300)
        #expect(parsed.value("vitals_tokens_total", ["event": "llm_call", "kind": "completion"]) == 200)
        let cost = parsed.value("vitals_cost_usd_total", ["event": "llm_call"]) ?? 0
        #expect(abs(cost - 0.02) < 1e-12)
        // Series that never reported tokens or cost have no such lines.
        #expect(parsed.samples("vitals_tokens_total", ["event": "tool_call"]).isEmpty)
        #expect(parsed.samples("vitals_cost_usd_total", ["event": "tool_call"]).isEmpty)
        #expect(parsed.value("vitals_events_total", ["event": "tool_call"]) == 1)
    }

    @Test("no token or cost family when nothing reported them")
    func noTokenFamily() {
        let registry = ExpositionRegistry()
        registry.record([event(milliseconds: 1)])
        let text = registry.parsed().text
        #expect(!text.contains("vitals_tokens_total"))
        #expect(!text.contains("vitals_cost_usd_total"))
        #expect(text.contains("# TYPE vitals_event_duration_seconds histogram"))
    }

    @Test("stage and tier label by default; an integer tier labels like its text, a fractional one not at all")
    func stageAndTier() {
        let registry = ExpositionRegistry()
        registry.record([
            event("tool_call", milliseconds: 1, labels: [:], attributes: ["tool": "search", "tier": 2]),
            event("tool_call", milliseconds: 1, labels: [:], attributes: ["tool": "search", "tier": "2"]),
            event("tool_call", milliseconds: 1, labels: [:], attributes: ["tool": "ping", "tier": 1.5]),
            event("stage", milliseconds: 900, labels: [:], attributes: ["stage": "session"]),
        ])
        let parsed = registry.parsed()
        let calls = parsed.samples("vitals_events_total", ["event": "tool_call"])
        #expect(
            Set(calls.map(\.labels)) == [
                ["event": "tool_call", "tool": "search", "tier": "2", "status": "ok"],
                ["event": "tool_call", "tool": "ping", "status": "ok"],
            ]
        )
        #expect(parsed.value("vitals_events_total", ["event": "tool_call", "tier": "2"]) == 2)
        #expect(parsed.value("vitals_events_total", ["event": "stage", "stage": "session"]) == 1)
    }

    @Test("a gauge holds its last value, or the newest by timestamp")
    func gauges() {
        let registry = ExpositionRegistry()
        let early = Timestamp(nanosecondsSinceEpoch: 1_000_000_000_000_000_000)
        let late = early.adding(milliseconds: 1_000)
        registry.record([
            .sample(Sample(name: "queue_depth", value: 5, labels: ["agent_id": "A", "host": "h1"])),
            .sample(Sample(name: "queue_depth", value: 7, labels: ["agent_id": "A", "host": "h1"])),
            .sample(Sample(name: "queue_depth", value: 2.5, labels: ["agent_id": "B"])),
            .sample(Sample(name: "workload_pct", value: 40, timestamp: late)),
        ])
        registry.record([.sample(Sample(name: "workload_pct", value: 99, timestamp: early))])
        let parsed = registry.parsed()
        // `host` is not a label key, so it neither splits nor labels the series.
        let queueA = parsed.samples("vitals_sample_value", ["metric": "queue_depth", "agent_id": "A"])
        #expect(queueA.map(\.labels) == [["metric": "queue_depth", "agent_id": "A"]])
        #expect(queueA.first?.value == 7)
        #expect(parsed.value("vitals_sample_value", ["metric": "queue_depth", "agent_id": "B"]) == 2.5)
        #expect(parsed.value("vitals_sample_value", ["metric": "workload_pct"]) == 40)
        #expect(parsed.text.contains("# TYPE vitals_sample_value gauge\n"))
    }

    @Test("past the series limit, series fold into one overflow series per name and no count is lost")
    func overflow() {
        let registry = ExpositionRegistry(seriesLimit: 10)
        var records: [Record] = []
        var llmCalls = 0
        for worker in 0..<25 {
            for _ in 0...worker % 3 {
                records.append(
                    event(
                        milliseconds: Double(worker),
                        labels: ["worker_id": "w-\(worker)"],
                        attributes: ["prompt_tokens": 10]
                    )
                )
                llmCalls += 1
            }
        }
        records.append(event("tool_call", milliseconds: 1, labels: ["worker_id": "w-99"]))
        for host in 0..<15 {
            records.append(.sample(Sample(name: "rss", value: Double(host), labels: ["worker_id": "h-\(host)"])))
        }
        registry.record(records)
        // A known series is still counted in place after the limit is reached.
        registry.record([event(milliseconds: 1, labels: ["worker_id": "w-0"], attributes: ["prompt_tokens": 10])])
        llmCalls += 1
        let parsed = registry.parsed()

        let llm = parsed.samples("vitals_events_total", ["event": "llm_call"])
        #expect(llm.count == 11)
        let overflow = parsed.samples("vitals_events_total", ["event": "llm_call", "overflow": "true"])
        #expect(overflow.map(\.labels) == [["event": "llm_call", "overflow": "true"]])
        #expect(llm.reduce(0) { $0 + $1.value } == Double(llmCalls))
        let counts = parsed.samples("vitals_event_duration_seconds_count", ["event": "llm_call"])
        #expect(counts.reduce(0) { $0 + $1.value } == Double(llmCalls))
        let tokens = parsed.samples("vitals_tokens_total", ["event": "llm_call"])
        #expect(tokens.reduce(0) { $0 + $1.value } == Double(llmCalls * 10))
        #expect(parsed.value("vitals_events_total", ["event": "llm_call", "worker_id": "w-0"]) == 2)
        // The limit is per name: another event name has its own.
        #expect(parsed.value("vitals_events_total", ["event": "tool_call", "worker_id": "w-99"]) == 1)
        // Gauges too.
        #expect(parsed.samples("vitals_sample_value", ["metric": "rss"]).count == 11)
        #expect(parsed.value("vitals_sample_value", ["metric": "rss", "overflow": "true"]) == 14)
    }

    @Test("past the name limit, new names count in one __other__ series and no count is lost")
    func nameLimit() {
        let registry = ExpositionRegistry(nameLimit: 3)
        var records: [Record] = []
        for name in 0..<8 {
            records.append(event("op_\(name)", milliseconds: 5))
            records.append(.sample(Sample(name: "gauge_\(name)", value: Double(name))))
        }
        registry.record(records)
        registry.record([event("op_7", milliseconds: 5), event("op_0", milliseconds: 5)])
        let parsed = registry.parsed()
        let all = parsed.samples("vitals_events_total", [:])
        #expect(all.count == 4)
        #expect(all.reduce(0) { $0 + $1.value } == 10)
        #expect(parsed.value("vitals_events_total", ["event": "op_0"]) == 2)
        #expect(parsed.value("vitals_events_total", ["event": ExpositionRegistry.otherNames, "overflow": "true"]) == 6)
        #expect(parsed.samples("vitals_sample_value", [:]).count == 4)
        #expect(
            parsed.value("vitals_sample_value", ["metric": ExpositionRegistry.otherNames, "overflow": "true"]) == 7
        )
    }

    @Test("label keys are made valid label names; reserved names are ignored")
    func labelNames() {
        let registry = ExpositionRegistry(labelKeys: ["gen_ai.agent.id", "9lives", "event", "le", "__secret", "model"])
        registry.record([
            event(
                milliseconds: 1,
                labels: [:],
                attributes: ["gen_ai.agent.id": "a1", "9lives": "cat", "le": "x", "__secret": "s", "model": "m"]
            )
        ])
        let sample = registry.parsed().samples("vitals_events_total").first
        #expect(
            sample?.labels == [
                "event": "llm_call", "gen_ai_agent_id": "a1", "_9lives": "cat", "_secret": "s", "model": "m",
            ]
        )
    }
}
