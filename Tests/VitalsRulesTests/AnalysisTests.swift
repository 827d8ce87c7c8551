import Testing
import Vitals
import VitalsRules

@Suite("Analyses")
struct AnalysisTests {
    @Test("health score lands near the original's worked examples (~94 and ~87)")
    func healthExamples() {
        let first = HealthScore(
            HealthInputs(
                successRate: 0.98,
                errorRate: 0.02,
                averageDurationMilliseconds: 220_000,
                workload: 0.65,
                cacheHitRate: 0.98,
                minutesSinceActive: 2
            )
        )
        #expect(abs(first.score - 94) < 1.5, "\(first.score)")
        let second = HealthScore(
            HealthInputs(
                successRate: 0.95,
                errorRate: 0.05,
                averageDurationMilliseconds: 240_000,
                workload: 0.70,
                cacheHitRate: 0.92,
                minutesSinceActive: 5
            )
        )
        #expect(abs(second.score - 87) < 1.5, "\(second.score)")
        #expect(first.components.map(\.maximum) == [25, 25, 20, 15, 10, 5])
    }

    @Test("a perfect agent scores 100, missing inputs score neutrally, weights are configurable")
    func healthNeutralAndWeights() {
        let perfect = HealthInputs(
            successRate: 1,
            errorRate: 0,
            averageDurationMilliseconds: 1000,
            workload: 0.6,
            cacheHitRate: 1,
            minutesSinceActive: 0
        )
        #expect(HealthScore(perfect).score == 100)
        #expect(abs(HealthScore(HealthInputs()).score - 80) < 1e-9)
        var noCache = perfect
        noCache.cacheHitRate = nil
        #expect(abs(HealthScore(noCache).score - 98) < 1e-9)
        var configuration = HealthScoreConfiguration()
        configuration.cacheHitWeight = 0
        #expect(abs(HealthScore(noCache, configuration: configuration).score - 100) < 1e-9)
        configuration.successWeight = 50
        var failing = perfect
        failing.successRate = 0
        // Success is now 50 of 115 weight points (cache weighs nothing).
        #expect(abs(HealthScore(failing, configuration: configuration).score - 100 * 65 / 115) < 1e-9)
    }

    @Test(
        "health curves: duration, workload and recency",
        arguments: [
            (180_000.0, 0.6, 5.0, 100.0), (300_000, 0.6, 5, 90), (600_000, 0.6, 5, 80),
            (1000, 0.0, 5, 92.5), (1000, 0.9, 5, 92.5), (1000, 1.0, 5, 85), (1000, 0.6, 32.5, 97.5),
        ]
    )
    func healthCurves(duration: Double, workload: Double, minutes: Double, expected: Double) {
        let inputs = HealthInputs(
            successRate: 1,
            errorRate: 0,
            averageDurationMilliseconds: duration,
            workload: workload,
            cacheHitRate: 1,
            minutesSinceActive: minutes
        )
        #expect(abs(HealthScore(inputs).score - expected) < 1e-9)
    }

    @Test(
        "workload bands and their actions",
        arguments: [
            (0.0, WorkloadStatus.healthy), (0.6999, .healthy), (0.70, .busy), (0.8499, .busy), (0.85, .overloaded),
            (0.95, .overloaded), (0.9501, .failing), (1.2, .failing),
        ]
    )
    func workloadBands(workload: Double, status: WorkloadStatus) {
        #expect(WorkloadStatus(workload: workload) == status)
    }

    @Test("workload actions")
    func workloadActions() {
        #expect(WorkloadStatus.overloaded.recommendedAction == "Add capacity or reduce incoming task rate.")
        #expect(WorkloadStatus.failing.recommendedAction.hasPrefix("CRITICAL"))
        #expect(WorkloadStatus.busy.recommendedAction == "Monitor closely.")
    }

    @Test("pipeline health: RED on a blocking violation, YELLOW on others (even critical), GREEN otherwise")
    func pipelineHealth() {
        let green = TestData.evaluate(
            pack: "pipeline",
            [TestData.event("stage", ms: 100, attributes: ["stage": "session"])]
        )
        #expect(PipelineHealth(results: green).status == .green)
        #expect(PipelineHealth(results: green).compliance == 1)
        let red = TestData.evaluate(
            pack: "pipeline",
            [TestData.event("stage", ms: 4000, attributes: ["stage": "session"])]
        )
        #expect(PipelineHealth(results: red).status == .red)
        #expect(PipelineHealth(results: red).compliance == 0)
        let yellow = TestData.evaluate(pack: "agents", TestData.tasks(agent: "A", total: 100, failed: 7, ms: 10))
        #expect(PipelineHealth(results: yellow).status == .yellow)
        let critical = TestData.evaluate(pack: "agents", TestData.tasks(agent: "A", total: 100, failed: 30, ms: 10))
        #expect(critical.result("agent-error-rate", ["A"])?.severity == .critical)
        #expect(PipelineHealth(results: critical).status == .yellow)
    }

    @Test("memory trend: a steady rise is a suspected leak, noise around a level is not")
    func memoryTrend() throws {
        // The worked example: 45.2 → 50.0 MB over 5 minutes.
        let example = try #require(
            MemoryTrend(samples: [(0, 45.2), (60, 47.1), (120, 46.8), (180, 48.2), (240, 49.1), (300, 50.0)])
        )
        #expect(abs(example.slopeMegabytesPerSecond - 0.0155) < 0.002)
        #expect(example.kendallS == 13)
        #expect(example.peakMegabytes == 50)
        var random = SplitMix64(seed: 7)
        let rising = (0..<300).map { index in
            (seconds: Double(index), megabytes: 50 + 0.05 * Double(index) + Double.random(in: -2...2, using: &random))
        }
        let leak = try #require(MemoryTrend(samples: rising))
        #expect(leak.leakSuspected)
        #expect(abs(leak.slopeMegabytesPerSecond - 0.05) < 0.01)
        let flat = (0..<300).map { index in
            (seconds: Double(index), megabytes: 50 + Double.random(in: -2...2, using: &random))
        }
        let steady = try #require(MemoryTrend(samples: flat))
        #expect(!steady.leakSuspected)
        #expect(steady.efficiencyScore > 0.9)
        // Significant but tiny growth (0.5 MB in all) is below the 1 MB floor.
        let creeping = (0..<300).map { (seconds: Double($0), megabytes: 50 + Double($0) / 600) }
        let creep = try #require(MemoryTrend(samples: creeping))
        #expect(creep.isSignificant)
        #expect(!creep.leakSuspected)
        #expect(MemoryTrend(samples: [(0, 1), (1, 2)]) == nil)
        let spiky = try #require(MemoryTrend(samples: [(0, 10), (1, 10), (2, 100), (3, 10)], limitMegabytes: 50))
        #expect(abs(spiky.efficiencyScore - (32.5 / 100) * 0.5) < 1e-9)
    }

    @Test("thinning keeps an even spread within capacity")
    func thinning() {
        var series = ThinningSeries(capacity: 100)
        for index in 0..<1000 { series.add(seconds: Double(index), value: Double(index)) }
        #expect(series.points.count < 100)
        #expect(series.points.count >= 50)
        #expect(series.points.first?.seconds == 0)
        let gaps = Set(zip(series.points, series.points.dropFirst()).map { $1.seconds - $0.seconds })
        #expect(gaps.count == 1)
    }

    @Test("bottlenecks rank violations by severity and excess, large operations by share; plan by gain")
    func bottlenecks() {
        var operations: [EventSummary.GroupKey: EventStatistics] = [:]
        func add(_ name: String, _ values: [Double]) {
            var aggregate = EventStatistics()
            for value in values { aggregate.add(durationMilliseconds: value, status: .ok) }
            operations[.init(name: name)] = aggregate
        }
        add("discovery", Array(repeating: 1000, count: 90) + Array(repeating: 10_000, count: 10))
        add("render", Array(repeating: 500, count: 100))
        add("tiny", [1, 1, 1])
        let rules = RulePacks.pack(named: "agents")!.rules
        let results = TestData.evaluate(
            rules,
            TestData.tasks(agent: "A", total: 100, failed: 25, ms: 10)
                + TestData.tasks(agent: "B", total: 100, failed: 12, ms: 10)
        )
        let ranked = BottleneckAnalysis.bottlenecks(operations: operations, results: results)
        #expect(
            ranked.map(\.subject) == [
                "agent-error-rate [agent_id=A]", "agent-error-rate [agent_id=B]", "discovery", "render",
            ]
        )
        #expect(ranked[0].severity == .critical)
        #expect(ranked[0].recommendation.hasPrefix("Review recent errors"))
        #expect(ranked[2].shareOfTime == 190_000.0 / 240_003)
        let plan = BottleneckAnalysis.plan(operations: operations, results: results)
        #expect(plan.map(\.subject) == ["discovery"])
        #expect(plan[0].rank == 1)
        #expect(abs(plan[0].estimatedGainMilliseconds - 90_000) < 90_000 / 64)
    }
}
