import Testing
import Vitals
import VitalsExposition

@Suite("Exposition text")
struct ExpositionTextTests {
    /// A registry with two event names, tokens, cost, a gauge and server activity: every family shows.
    static func busyRegistry() -> ExpositionRegistry {
        let registry = ExpositionRegistry()
        var records: [Record] = []
        for worker in 0..<4 {
            records.append(
                .event(
                    Event(
                        name: "llm_call",
                        durationMilliseconds: 120,
                        labels: ["worker_id": "w-\(worker)"],
                        attributes: [
                            "model": "gpt-5-mini", "prompt_tokens": 10, "completion_tokens": 2, "cost_usd": 0.5,
                        ]
                    )
                )
            )
            records.append(.event(Event(name: "tool_call", durationMilliseconds: 3, status: .error)))
            records.append(
                .sample(Sample(name: "queue_depth", value: Double(worker), labels: ["worker_id": "w-\(worker)"]))
            )
        }
        // Interleaved batches must still come out grouped by family.
        registry.record(records)
        registry.record([.event(Event(name: "route_query", durationMilliseconds: 7))])
        registry.server.recordIngest(accepted: 13, rejected: 1, storeSeconds: 0.004)
        registry.server.recordRequest(route: "/v1/events", status: 200, seconds: 0.01)
        registry.server.setQueueDepth(2)
        return registry
    }

    @Test(
        "label values escape backslash, double quote and line feed",
        arguments: [ExpositionFormat.prometheus, .openMetrics]
    )
    func escaping(format: ExpositionFormat) {
        let registry = ExpositionRegistry()
        let nasty = "C:\\tmp\\\"quoted\"\nnext line ☃"
        registry.record([.event(Event(name: "say \"hi\"", durationMilliseconds: 1, labels: ["agent_name": nasty]))])
        let parsed = registry.parsed(format)
        #expect(parsed.text.contains(#"event="say \"hi\"""#))
        #expect(parsed.text.contains(#"agent_name="C:\\tmp\\\"quoted\"\nnext line ☃""#))
        #expect(parsed.value("vitals_events_total", ["agent_name": nasty]) == 1)
        #expect(parsed.samples("vitals_events_total").first?.labels["event"] == "say \"hi\"")
        // No raw line feed inside a sample line: every line is a comment or parses as a sample.
        #expect(parsed.samples.allSatisfy { !$0.name.isEmpty && !$0.value.isNaN })
    }

    @Test("each family has exactly one HELP and one TYPE, and its samples follow it without interruption")
    func grouping() {
        let parsed = Self.busyRegistry().parsed()
        var helps: [String: Int] = [:]
        var types: [String: String] = [:]
        var familyOrder: [String] = []
        var current = ""
        var familyOfSample: [String] = []
        for line in parsed.text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 3)
            if line.hasPrefix("# HELP ") {
                helps[String(parts[2]), default: 0] += 1
            } else if line.hasPrefix("# TYPE ") {
                let name = String(parts[2])
                #expect(types[name] == nil, "second TYPE for \(name)")
                types[name] = String(parts[3])
                familyOrder.append(name)
                current = name
            } else {
                let sampleName = String(line.prefix { $0 != "{" && $0 != " " })
                #expect(
                    sampleName == current || sampleName.hasPrefix(current + "_"),
                    "\(sampleName) outside its family \(current)"
                )
                familyOfSample.append(current)
            }
        }
        #expect(helps.values.allSatisfy { $0 == 1 })
        #expect(Set(helps.keys) == Set(types.keys))
        #expect(Set(familyOrder).count == familyOrder.count)
        // A family's samples are contiguous: once left, never seen again.
        var closed: Set<String> = []
        var previous = ""
        for family in familyOfSample where family != previous {
            #expect(!closed.contains(family))
            closed.insert(previous)
            previous = family
        }
        #expect(
            types == [
                "vitals_event_duration_seconds": "histogram",
                "vitals_events_total": "counter",
                "vitals_event_errors_total": "counter",
                "vitals_tokens_total": "counter",
                "vitals_cost_usd_total": "counter",
                "vitals_sample_value": "gauge",
                "vitals_server_ingested_events_total": "counter",
                "vitals_server_rejected_lines_total": "counter",
                "vitals_server_ingest_batches_total": "counter",
                "vitals_server_store_seconds": "histogram",
                "vitals_server_ingest_queue_depth": "gauge",
                "vitals_server_requests_total": "counter",
                "vitals_server_request_duration_seconds": "histogram",
                "process_resident_memory_bytes": "gauge",
                "process_start_time_seconds": "gauge",
                "process_cpu_seconds_total": "counter",
            ]
        )
        #expect(parsed.samples("vitals_events_total").count == 6)
        #expect(!parsed.text.contains("# EOF"))
    }

    @Test("OpenMetrics names counter families without _total, keeps it on samples, and ends with # EOF")
    func openMetrics() {
        let registry = Self.busyRegistry()
        let prometheus = registry.parsed(.prometheus)
        let openMetrics = registry.parsed(.openMetrics)
        #expect(openMetrics.text.hasSuffix("\n# EOF\n"))
        #expect(openMetrics.comments.last == "# EOF")
        #expect(openMetrics.comments.contains("# TYPE vitals_events counter"))
        #expect(openMetrics.comments.contains("# TYPE vitals_server_requests counter"))
        #expect(openMetrics.comments.contains("# TYPE process_cpu_seconds counter"))
        #expect(openMetrics.comments.contains("# TYPE vitals_event_duration_seconds histogram"))
        #expect(!openMetrics.comments.contains { $0.hasPrefix("# TYPE") && $0.contains("_total ") })
        #expect(prometheus.comments.contains("# TYPE vitals_events_total counter"))
        #expect(openMetrics.value("vitals_events_total", ["event": "tool_call"]) == 4)
        // Same samples apart from the process metrics, which move between two renders.
        let stable: (ParsedSample) -> Bool = { !$0.name.hasPrefix("process_") }
        #expect(openMetrics.samples.filter(stable) == prometheus.samples.filter(stable))
    }

    @Test("whole numbers have no fraction or exponent; others round-trip")
    func numbers() {
        let registry = ExpositionRegistry()
        registry.record([
            .sample(Sample(name: "big", value: 123_456_789_012)),
            .sample(Sample(name: "negative", value: -42)),
            .sample(Sample(name: "fraction", value: 0.1)),
            .sample(Sample(name: "tiny", value: 1.5e-7)),
            .sample(Sample(name: "huge", value: 1e300)),
            .sample(Sample(name: "infinite", value: .infinity)),
            .sample(Sample(name: "minus_infinite", value: -.infinity)),
            .sample(Sample(name: "not_a_number", value: .nan)),
        ])
        let text = registry.parsed().text
        #expect(text.contains("vitals_sample_value{metric=\"big\"} 123456789012\n"))
        #expect(text.contains("vitals_sample_value{metric=\"negative\"} -42\n"))
        #expect(text.contains("vitals_sample_value{metric=\"fraction\"} 0.1\n"))
        #expect(text.contains("vitals_sample_value{metric=\"tiny\"} 1.5e-07\n"))
        #expect(text.contains("vitals_sample_value{metric=\"huge\"} 1e+300\n"))
        #expect(text.contains("vitals_sample_value{metric=\"infinite\"} +Inf\n"))
        #expect(text.contains("vitals_sample_value{metric=\"minus_infinite\"} -Inf\n"))
        #expect(text.contains("vitals_sample_value{metric=\"not_a_number\"} NaN\n"))
    }

    @Test("an empty registry still renders the server and process metrics")
    func empty() {
        let parsed = ExpositionRegistry().parsed()
        #expect(!parsed.text.contains("vitals_event"))
        #expect(!parsed.text.contains("vitals_sample_value"))
        #expect(parsed.value("vitals_server_ingested_events_total") == 0)
        #expect(parsed.value("vitals_server_store_seconds_count") == 0)
    }
}
