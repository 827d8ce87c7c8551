import Foundation
import Testing
import Vitals
import VitalsRules

@Suite("Compare")
struct CompareTests {
    /// Latency-like values: log-normal around `median` ms with log-spread `sigma` (Box–Muller from SplitMix64).
    static func latencies(_ count: Int, median: Double, sigma: Double, random: inout SplitMix64) -> [Double] {
        (0..<count).map { _ in
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &random)
            let u2 = Double.random(in: 0..<1, using: &random)
            let normal = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            return median * exp(sigma * normal)
        }
    }

    static func verdicts(pairs: Int, shift: Double, sigma: Double, seed: UInt64) -> [OperationComparison.Verdict] {
        var random = SplitMix64(seed: seed)
        return (0..<pairs).map { _ in
            let baseline = latencies(200, median: 50, sigma: sigma, random: &random)
            let current = latencies(200, median: 50 * shift, sigma: sigma, random: &random)
            return OperationComparison(key: .init(name: "op"), baseline: baseline, current: current).verdict
        }
    }

    /// The calibration the issue asks for: log-normal latencies (median 50 ms, σ = 0.3, i.e. a coefficient of
    /// variation of about 31 %), 200 values per side, fixed seeds.
    @Test("calibration: ≤ 1 % false regressions on 1,000 same-distribution pairs, ≥ 95 % of 20 % shifts detected")
    func calibration() {
        let same = Self.verdicts(pairs: 1000, shift: 1, sigma: 0.3, seed: 1)
        let falseRegressions = same.filter { $0 == .regressed }.count
        #expect(falseRegressions <= 10, "false regressions: \(falseRegressions) of 1000")
        #expect(same.filter { $0 == .improved }.count <= 10)
        let shifted = Self.verdicts(pairs: 1000, shift: 1.2, sigma: 0.3, seed: 2)
        let detected = shifted.filter { $0 == .regressed }.count
        #expect(detected >= 950, "detected: \(detected) of 1000")
        let faster = Self.verdicts(pairs: 1000, shift: 1 / 1.2, sigma: 0.3, seed: 3)
        #expect(faster.filter { $0 == .improved }.count >= 950)
        #expect(faster.filter { $0 == .regressed }.isEmpty)
    }

    @Test("Mann–Whitney U matches hand-computed values, with and without ties")
    func mannWhitney() {
        let separated = MannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])
        #expect(separated.u == 0)
        #expect(abs(separated.pValue - 0.012186) < 1e-5)
        #expect(separated.z > 0)
        let tied = MannWhitneyU([1, 2, 2, 3], [2, 3, 3, 4])
        #expect(tied.u == 3)
        #expect(abs(tied.pValue - 0.17202) < 1e-4)
        let reversed = MannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5])
        #expect(reversed.u == 25)
        #expect(reversed.z < 0)
        #expect(reversed.pValue == separated.pValue)
        #expect(MannWhitneyU([3, 3, 3], [3, 3]).pValue == 1)
        #expect(MannWhitneyU([], [1]).pValue == 1)
    }

    @Test("each part of the three-part rule can veto a regression")
    func threePartRule() {
        var random = SplitMix64(seed: 9)
        // Significant on 20,000 values, but only 3 % slower: not a regression.
        let big = Self.latencies(20_000, median: 50, sigma: 0.3, random: &random)
        let bigSlower = Self.latencies(20_000, median: 51.5, sigma: 0.3, random: &random)
        let small = OperationComparison(key: .init(name: "op"), baseline: big, current: bigSlower)
        #expect(small.test!.pValue < 0.01)
        #expect(small.verdict == .unchanged)
        var options = RegressionOptions()
        options.minimumRelativeChange = 0.02
        #expect(
            OperationComparison(key: .init(name: "op"), baseline: big, current: bigSlower, options: options).verdict
                == .regressed
        )
        // Doubled, but from 0.1 ms to 0.2 ms: below the 1 ms floor.
        let tiny = Self.latencies(500, median: 0.1, sigma: 0.1, random: &random)
        let tinyDoubled = Self.latencies(500, median: 0.2, sigma: 0.1, random: &random)
        #expect(OperationComparison(key: .init(name: "op"), baseline: tiny, current: tinyDoubled).verdict == .unchanged)
        options.minimumAbsoluteMilliseconds = 0.05
        #expect(
            OperationComparison(key: .init(name: "op"), baseline: tiny, current: tinyDoubled, options: options).verdict
                == .regressed
        )
        // 50 % slower on 5 values each: not significant.
        let few = OperationComparison(
            key: .init(name: "op"),
            baseline: [10, 11, 12, 13, 30],
            current: [12, 16, 18, 19, 9]
        )
        #expect(few.verdict == .unchanged)
    }

    @Test("report: per-operation verdicts, new and missing operations, exit statuses 0 / 2 / 4")
    func report() throws {
        var random = SplitMix64(seed: 4)
        func sample(_ pairs: [(String, Double)]) -> DurationSampleSet {
            var set = DurationSampleSet()
            for (name, median) in pairs {
                for value in Self.latencies(300, median: median, sigma: 0.2, random: &random) {
                    set.add(Event(name: name, durationMilliseconds: value))
                }
            }
            return set
        }
        let baseline = sample([("llm_call", 100), ("tool_call", 20), ("old", 5)])
        let regressed = ComparisonReport(
            baseline: baseline,
            current: sample([("llm_call", 130), ("tool_call", 20), ("new", 5)])
        )
        #expect(regressed.operations.map(\.key.name) == ["llm_call", "new", "old", "tool_call"])
        #expect(regressed.operations.map(\.verdict) == [.regressed, .added, .removed, .unchanged])
        #expect(regressed.exitStatus == 1)
        #expect(regressed.render(.text).contains("REGRESSED"))
        #expect(regressed.render(.text).hasSuffix("verdict: regressed: llm_call\n"))
        let improved = ComparisonReport(baseline: baseline, current: sample([("llm_call", 70), ("tool_call", 20)]))
        #expect(improved.exitStatus == 4)
        let same = ComparisonReport(
            baseline: baseline,
            current: sample([("llm_call", 100), ("tool_call", 20), ("old", 5)])
        )
        #expect(same.exitStatus == 0)
        #expect(same.verdict == "no significant change")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(regressed.render(.json).utf8)) as? [String: Any]
        )
        #expect(json["regressed"] as? Bool == true)
        let first = try #require((json["operations"] as? [[String: Any]])?.first)
        #expect(first["verdict"] as? String == "regressed")
        #expect((first["current"] as? [String: Any])?["median_ms"] is Double)
        #expect(regressed.render(.markdown).contains("| llm_call | 300 | 300 |"))
    }

    @Test("reservoir keeps everything up to its capacity, then a uniform, repeatable sample")
    func reservoir() {
        var small = DurationReservoir(capacity: 10)
        for value in 0..<10 { small.add(Double(value)) }
        #expect(small.values == (0..<10).map(Double.init))
        #expect(!small.isSampled)
        func fill() -> DurationReservoir {
            var reservoir = DurationReservoir(capacity: 1000)
            for value in 0..<100_000 { reservoir.add(Double(value)) }
            return reservoir
        }
        let sampled = fill()
        #expect(sampled.values.count == 1000)
        #expect(sampled.seen == 100_000)
        #expect(sampled.isSampled)
        #expect(sampled == fill())
        // A uniform sample of 0..<100,000 has its mean near 50,000 (standard error about 900).
        let mean = sampled.values.reduce(0, +) / 1000
        #expect(abs(mean - 50_000) < 5_000)
    }
}
