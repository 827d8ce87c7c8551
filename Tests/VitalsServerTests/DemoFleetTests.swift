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
                for key in ["service", "agent_id", "agent_name", "agent_domain"] {
                    #expect(event.labels[key]?.isEmpty == false, "\(event.name) lacks \(key)")
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

    @Test func coversModelsToolsPhasesJobsFailuresAndGauges() {
        var fleet = DemoFleet(seed: 11)
        let records = fleet.records(from: at(seconds: 0), to: at(seconds: 300))
        let all = events(records)
        let llm = all.filter { $0.name == "llm_call" }
        let models = Set(llm.compactMap { $0.attributes["model"]?.stringValue })
        let providers = Set(llm.compactMap { $0.attributes["provider"]?.stringValue })
        let tools = Set(all.filter { $0.name == "tool_call" }.compactMap { $0.attributes["tool"]?.stringValue })
        let phases = Set(
            all.filter { $0.name == "pipeline_stage" }.compactMap { $0.attributes["phase"]?.stringValue }
        )
        #expect(models.count >= 4)
        #expect(providers.count >= 2)
        #expect(tools.isSuperset(of: ["search", "sql", "http_fetch", "code_exec"]))
        #expect(phases == ["ingest", "parse", "enrich", "index"])
        #expect(all.contains { $0.name == "job" })
        #expect(all.contains { $0.status == .error && $0.error?.isEmpty == false })
        #expect(all.contains { $0.status == .timeout })
        let failures = all.filter { $0.status.isFailure }.count
        #expect(failures < all.count / 5)
        #expect(Set(all.compactMap { $0.labels["agent_id"] }).count >= 5)
        for call in llm where call.status == .ok {
            #expect((call.number("prompt_tokens") ?? 0) > 0)
            #expect((call.number("cost_usd") ?? -1) >= 0)
        }
        let gauges = samples(records)
        let depth = gauges.filter { $0.name == "queue_depth" }
        let memory = gauges.filter { $0.name == "memory_mb" }
        let agents = Set(all.compactMap { $0.labels["agent_id"] })
        // Every agent reports both gauges every ~10 s: 30 samples each in 300 s.
        for agent in agents {
            #expect(depth.filter { $0.labels["agent_id"] == agent }.count == 30)
            #expect(memory.filter { $0.labels["agent_id"] == agent }.count == 30)
        }
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
