import Testing
import Vitals
import VitalsServer

@Suite("DemoFleet")
struct DemoFleetTests {
    /// 2025-01-01T00:00:00Z, a fixed start so every run sees the same fleet.
    let start = Timestamp(nanosecondsSinceEpoch: 1_735_689_600_000_000_000)

    func at(seconds: Double) -> Timestamp {
        start.adding(milliseconds: seconds * 1_000)
    }

    func events(_ records: [Record]) -> [Event] {
        records.compactMap { if case .event(let event) = $0 { event } else { nil } }
    }

    func samples(_ records: [Record]) -> [Sample] {
        records.compactMap { if case .sample(let sample) = $0 { sample } else { nil } }
    }

    @Test func sameSeedSameRecordsAndIntervalsCompose() {
        var one = DemoFleet(seed: 7)
        var two = DemoFleet(seed: 7)
        var other = DemoFleet(seed: 8)
        let whole = one.records(from: at(seconds: 0.5), to: at(seconds: 30.25))
        #expect(two.records(from: at(seconds: 0.5), to: at(seconds: 30.25)) == whole)
        #expect(other.records(from: at(seconds: 0.5), to: at(seconds: 30.25)) != whole)
        var split = DemoFleet(seed: 7)
        let parts =
            split.records(from: at(seconds: 0.5), to: at(seconds: 12.3))
            + split.records(from: at(seconds: 12.3), to: at(seconds: 30.25))
        #expect(parts == whole)
        #expect(one.recordsProduced == whole.count)
    }

    @Test func rateIsBetween50And150EventsPerSecond() {
        var fleet = DemoFleet(seed: 1)
        for minute in [0.0, 600, 1_200, 2_700] {
            let count = events(fleet.records(from: at(seconds: minute), to: at(seconds: minute + 60))).count
            #expect((50 * 60...150 * 60).contains(count), "minute at \(minute) s: \(count) events")
        }
    }

    @Test func everyRecordIsValidAndInsideTheInterval() {
        var fleet = DemoFleet(seed: 3)
        let from = at(seconds: 10.2)
        let to = at(seconds: 130.7)
        let records = fleet.records(from: from, to: to)
        #expect(!records.isEmpty)
        var previous = from
        for record in records {
            switch record {
            case .event(let event):
                #expect(!event.name.isEmpty)
                #expect(event.durationMilliseconds.isFinite && event.durationMilliseconds >= 0)
                let end = event.end
                #expect(end.map { $0 >= from && $0 < to } == true)
                #expect(event.start.flatMap { start in end.map { start <= $0 } } == true)
                #expect(event.status == .ok ? event.error == nil : event.status == .cancelled || event.error != nil)
                #expect(event.labels["service"]?.isEmpty == false, "\(event.name) lacks a service")
                if ["llm_call", "tool_call", "task"].contains(event.name) {
                    for key in ["agent_id", "agent_name", "agent_domain"] {
                        #expect(event.labels[key]?.isEmpty == false, "\(event.name) lacks \(key)")
                    }
                }
                if let end { #expect(end >= previous); previous = end }
            case .sample(let sample):
                #expect(!sample.name.isEmpty)
                #expect(sample.value.isFinite && sample.value >= 0)
                let timestamp = sample.timestamp
                #expect(timestamp.map { $0 >= from && $0 < to } == true)
                if let timestamp { #expect(timestamp >= previous); previous = timestamp }
            }
        }
    }

    @Test func feedsEveryBuiltInPack() {
        var fleet = DemoFleet(seed: 11)
        let records = fleet.records(from: at(seconds: 0), to: at(seconds: 300))
        let all = events(records)
        let llm = all.filter { $0.name == "llm_call" }
        #expect(Set(llm.compactMap { $0.attributes["model"]?.stringValue }).count >= 4)
        #expect(Set(llm.compactMap { $0.attributes["provider"]?.stringValue }).count >= 2)
        for call in llm where call.status == .ok {
            #expect((call.number("prompt_tokens") ?? 0) > 0)
            #expect((call.number("cost_usd") ?? -1) >= 0)
        }
        // Tools with their tier, as a number.
        var tiers: [String: Set<AttributeValue>] = [:]
        for call in all where call.name == "tool_call" {
            tiers[call.attributes["tool"]?.stringValue ?? "?", default: []].insert(call.attributes["tier"] ?? "none")
        }
        #expect(
            tiers == [
                "status": [.int(1)], "vector_lookup": [.int(1)], "search": [.int(2)], "http_fetch": [.int(2)],
                "sql": [.int(2)], "code_exec": [.int(3)], "file_parse": [.int(3)], "deep_research": [.int(4)],
            ]
        )
        // Two full discovery runs (one every 150 s): init, 57 sessions, the run.
        let stages = all.filter { $0.name == "stage" }
        #expect(stages.filter { $0.attributes["stage"] == "init" }.count == 2)
        #expect(stages.filter { $0.attributes["stage"] == "session" }.count == 2 * 57)
        #expect(stages.filter { $0.attributes["stage"] == "discovery" }.count == 2)
        #expect(all.filter { $0.name == "monitoring" }.count == 300)
        let tasks = all.filter { $0.name == "task" }
        #expect(tasks.contains { $0.status == .error && $0.error?.isEmpty == false })
        #expect(all.contains { $0.status == .timeout })
        #expect(all.filter { $0.status.isFailure }.count < all.count / 10)
        #expect(
            Set(all.filter { $0.name == "request" }.compactMap { $0.labels["service"] }) == ["helpdesk", "kb", "cmms"]
        )
        // 108 agents in three domains; every one reports its five gauges every 15 s: 20 times in 300 s.
        let gauges = samples(records)
        let agents = Set(gauges.compactMap { $0.labels["agent_id"] })
        #expect(agents.count == 108)
        #expect(Set(gauges.compactMap { $0.labels["agent_domain"] }) == ["support", "knowledge", "maintenance"])
        for name in ["workload_pct", "queue_depth", "concurrent_tasks", "cache_hit_rate", "memory_mb"] {
            let named = gauges.filter { $0.name == name }
            #expect(named.count == 108 * 20, "\(name)")
            #expect(Set(named.compactMap { $0.labels["agent_id"] }) == agents, "\(name)")
        }
        #expect(gauges.filter { $0.name == "memory_mb" }.allSatisfy { $0.value < 100 })
        #expect(gauges.filter { $0.name == "cache_hit_rate" }.allSatisfy { (0...1).contains($0.value) })
        // Every service reports its knowledge-base coverage every 30 s.
        let coverage = gauges.filter { $0.name == "kb_coverage" }
        #expect(coverage.count == 3 * 10)
    }

    @Test func agentsDegradeAndRecover() throws {
        var fleet = DemoFleet(seed: 9)
        let from = at(seconds: 0)
        let to = at(seconds: 7_200)
        let troubles = fleet.troubles(from: from, to: to)
        #expect(Set(troubles.map(\.kind)) == Set(DemoFleet.TroubleKind.allCases))
        // At any time some agent is in trouble, never more than a handful.
        for second in stride(from: 30.0, to: 7_200, by: 60) {
            let now = fleet.troubles(from: at(seconds: second), to: at(seconds: second + 1))
            #expect((1...8).contains(now.count), "\(now.count) at \(second) s")
        }
        // An overloaded agent runs at full load at its worst and comes back down once it has recovered.
        let overload = try #require(troubles.first { $0.kind == .overload && $0.start > from })
        func workload(at time: Timestamp) -> Double? {
            samples(fleet.records(from: time, to: time.adding(milliseconds: 15_000)))
                .first { $0.name == "workload_pct" && $0.labels["agent_id"] == overload.agentID }?.value
        }
        let length = overload.end.milliseconds(since: overload.start)
        let worst = try #require(workload(at: overload.start.adding(milliseconds: length / 2)))
        let before = try #require(workload(at: overload.start.adding(milliseconds: -120_000)))
        #expect(worst > 95)
        #expect(before < worst - 5)
        #expect(overload.severity(at: overload.start.adding(milliseconds: length / 2)) == 1)
        #expect(overload.severity(at: overload.end) == 0)
    }

    @Test func modelsDifferInLatencyAndSlowSpellsSlowTheirTargetDown() throws {
        var fleet = DemoFleet(seed: 5)
        let from = at(seconds: 0)
        let to = at(seconds: 3_600)
        let spells = fleet.slowSpells(from: from, to: to)
        #expect(spells.count >= 5)
        for spell in spells {
            #expect(spell.factor >= 3 && spell.factor <= 5)
            let length = spell.end.milliseconds(since: spell.start)
            #expect(length >= 60_000 && length <= 120_000)
        }
        let spell = try #require(spells.first { $0.start >= from && $0.end <= to })
        let during = events(fleet.records(from: spell.start, to: spell.end))
        let before = events(
            fleet.records(
                from: spell.start.adding(milliseconds: -600_000),
                to: spell.start.adding(milliseconds: -300_000)
            )
        )
        func median(_ list: [Event]) -> Double {
            let key = spell.kind == "model" ? "model" : "tool"
            let durations = list.filter { $0.attributes[key]?.stringValue == spell.name && $0.status == .ok }
                .map(\.durationMilliseconds).sorted()
            return durations.isEmpty ? 0 : durations[durations.count / 2]
        }
        #expect(median(before) > 0)
        #expect(median(during) > 2 * median(before))

        let llm = events(fleet.records(from: from, to: at(seconds: 120))).filter { $0.name == "llm_call" }
        func modelMedian(_ name: String) -> Double {
            let durations = llm.filter { $0.attributes["model"]?.stringValue == name }.map(\.durationMilliseconds)
                .sorted()
            return durations[durations.count / 2]
        }
        #expect(modelMedian("claude-sonnet-4") > 2 * modelMedian("llama-3.1-70b"))
    }
}
