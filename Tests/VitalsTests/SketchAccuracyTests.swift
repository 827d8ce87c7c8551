import Foundation
import Testing
import Vitals

/// A fixed-seed generator so every run sees the same data (Steele, Lea & Flood's SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1]: never 0, so `log` stays finite.
    mutating func unit() -> Double {
        (Double(next() >> 11) + 1) * 0x1p-53
    }

    /// Standard normal by Box–Muller.
    mutating func normal() -> Double {
        let radius = (-2 * log(unit())).squareRoot()
        return radius * cos(2 * Double.pi * unit())
    }

    mutating func logNormal(mu: Double, sigma: Double) -> Double {
        exp(mu + sigma * normal())
    }
}

/// The data shapes the issue names, with the parameters it gives.
enum SketchDistribution: String, CaseIterable, CustomTestStringConvertible {
    case logNormal
    case bimodal
    case uniform

    var testDescription: String { rawValue }

    func values(count: Int, seed: UInt64) -> [Double] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            switch self {
            case .logNormal:
                return random.logNormal(mu: 3, sigma: 1)
            case .bimodal:
                // 70 % fast calls around 10 ms, 30 % slow ones around 800 ms.
                return random.unit() <= 0.7
                    ? random.logNormal(mu: log(10), sigma: 0.5) : random.logNormal(mu: log(800), sigma: 0.5)
            case .uniform:
                return 1 + 999 * random.unit()
            }
        }
    }
}

/// The exact nearest-rank quantile of sorted values, as the contract defines it.
func exactQuantile(_ sorted: [Double], _ q: Double) -> Double {
    let rank = Swift.max(1, Int((q * Double(sorted.count)).rounded(.up)))
    return sorted[Swift.min(rank, sorted.count) - 1]
}

func makeSketch(_ values: some Sequence<Double>) -> QuantileSketch {
    var sketch = QuantileSketch()
    for value in values { sketch.add(value) }
    return sketch
}

@Suite struct SketchAccuracyTests {
    static let issueQuantiles = [0.5, 0.75, 0.9, 0.95, 0.99, 0.999]

    @Test(arguments: SketchDistribution.allCases)
    func issueQuantilesAreWithinOnePercent(of distribution: SketchDistribution) throws {
        let values = distribution.values(count: 100_000, seed: 0x5EED)
        let sketch = makeSketch(values)
        let sorted = values.sorted()
        for q in Self.issueQuantiles {
            let exact = exactQuantile(sorted, q)
            let estimate = try #require(sketch.quantile(q))
            let error = abs(estimate - exact) / exact
            #expect(error <= 0.01, "p\(q * 100): \(estimate) vs exact \(exact)")
        }
        #expect(sketch.count == 100_000)
        #expect(sketch.min == sorted.first)
        #expect(sketch.max == sorted.last)
        let exactSum = values.reduce(0, +)
        #expect(abs(sketch.sum - exactSum) <= 1e-9 * exactSum)
        #expect(abs(try #require(sketch.mean) - exactSum / 100_000) <= 1e-9 * exactSum)
    }

    @Test(arguments: SketchDistribution.allCases)
    func everyQuantileIsWithinTheDocumentedBound(of distribution: SketchDistribution) throws {
        let values = distribution.values(count: 20_000, seed: 7)
        let sketch = makeSketch(values)
        let sorted = values.sorted()
        var worst = 0.0
        for step in 1...999 {
            let q = Double(step) / 1000
            let exact = exactQuantile(sorted, q)
            worst = Swift.max(worst, abs(try #require(sketch.quantile(q)) - exact) / exact)
        }
        #expect(worst <= QuantileSketch.relativeAccuracy * (1 + 1e-12))
        #expect(worst > 0, "a bucketed answer cannot be exact everywhere on continuous data")
    }

    @Test func emptySketchAnswersNothing() {
        let empty = QuantileSketch()
        #expect(empty.isEmpty)
        #expect(empty.count == 0)
        #expect(empty.sum == 0)
        #expect(empty.min == nil && empty.max == nil && empty.mean == nil)
        #expect(empty.quantile(0.5) == nil && empty.quantile(0) == nil && empty.quantile(1) == nil)
        #expect(empty.description == "QuantileSketch(count: 0)")
    }

    @Test func oneValueIsReportedExactly() {
        let single = makeSketch([42.7])
        for q in [0, 0.001, 0.5, 0.999, 1] {
            #expect(single.quantile(q) == 42.7)
        }
        #expect(single.mean == 42.7)
        #expect(!single.isEmpty)
    }

    @Test func twoValuesFollowNearestRank() throws {
        let pair = makeSketch([20, 10])
        #expect(pair.quantile(0) == 10)
        #expect(pair.quantile(1) == 20)
        let median = try #require(pair.quantile(0.5))  // rank 1 -> 10
        #expect(abs(median - 10) <= 10 * QuantileSketch.relativeAccuracy)
        let upper = try #require(pair.quantile(0.51))  // rank 2 -> 20
        #expect(abs(upper - 20) <= 20 * QuantileSketch.relativeAccuracy)
        #expect(pair.mean == 15)
    }

    @Test func zeroNegativeAndNaNAreRecordedAsZero() throws {
        var sketch = QuantileSketch()
        sketch.add(0)
        sketch.add(-3)
        sketch.add(.nan)
        sketch.add(-.infinity)
        #expect(sketch.count == 4)
        #expect(sketch.sum == 0)
        #expect(sketch.min == 0 && sketch.max == 0)
        #expect(sketch.quantile(0.5) == 0 && sketch.quantile(1) == 0)
        sketch.add(5)
        #expect(sketch.quantile(0.79) == 0)  // rank 4 of 5 is still a zero
        let top = try #require(sketch.quantile(0.81))
        #expect(abs(top - 5) <= 5 * QuantileSketch.relativeAccuracy)
        #expect(sketch.min == 0 && sketch.max == 5)
        #expect(sketch.mean == 1)
    }

    @Test func hugeAndTinyValuesStayFinite() throws {
        var sketch = QuantileSketch()
        sketch.add(.infinity)
        #expect(sketch.max == .greatestFiniteMagnitude)
        #expect(sketch.quantile(0.5) == .greatestFiniteMagnitude)
        sketch.add(.greatestFiniteMagnitude)
        #expect(sketch.sum == .infinity)
        #expect(sketch.quantile(0.5) == .greatestFiniteMagnitude)

        let subnormal = Double.leastNormalMagnitude / 1000
        var tiny = QuantileSketch()
        tiny.add(.leastNonzeroMagnitude)
        tiny.add(subnormal)
        #expect(tiny.quantile(0) == .leastNonzeroMagnitude)
        let low = try #require(tiny.quantile(0.5))
        #expect(low >= .leastNonzeroMagnitude && low <= subnormal)
        #expect(tiny.quantile(1) == subnormal)

        let big = makeSketch([1e300, 2e300, 3e300])
        let median = try #require(big.quantile(0.5))
        #expect(abs(median - 2e300) <= 2e300 * QuantileSketch.relativeAccuracy)
    }

    @Test func quantileArgumentsOutsideTheUnitIntervalClamp() {
        let sketch = makeSketch([1, 2, 3, 4])
        #expect(sketch.quantile(-1) == 1)
        #expect(sketch.quantile(2) == 4)
        #expect(sketch.quantile(.nan) == nil)
    }

    @Test func weightedAddEqualsRepeatedAdds() {
        var weighted = QuantileSketch()
        weighted.add(3, count: 5)
        weighted.add(-1, count: 2)
        weighted.add(7, count: 0)
        var repeated = QuantileSketch()
        for _ in 0..<5 { repeated.add(3) }
        repeated.add(-1)
        repeated.add(-1)
        #expect(weighted == repeated)
        #expect(weighted.count == 7)
        #expect(weighted.max == 3)

        var nothing = QuantileSketch()
        nothing.add(1, count: 0)
        #expect(nothing == QuantileSketch())
    }

    @Test func descriptionSummarisesTheDistribution() {
        let sketch = makeSketch([1, 1, 1, 1000])
        #expect(sketch.description.hasPrefix("QuantileSketch(count: 4, min: 1.0, p50: 1.0078125, p99: "))
        #expect(sketch.description.hasSuffix("max: 1000.0)"))
    }
}
