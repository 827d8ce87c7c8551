import Foundation
import Vitals

/// Quantile sketch insert and merge.
enum SketchBenchmarks {
    static func run(_ harness: Harness, into report: inout Report) {
        var generator = SplitMix64(seed: 42)
        // Lognormal-ish latencies in milliseconds, precomputed so the loop measures the insert only.
        let values = (0..<4_096).map { _ in generator.nextLatency() }
        let insert = harness.measure { iterations in
            var sketch = QuantileSketch()
            for index in 0..<iterations { sketch.add(values[index & 4_095]) }
            blackHole(sketch)
        }
        report.add("sketch insert", nanoseconds: insert.median)
        report.check("sketch insert ns", measured: insert.median, atMost: 15)

        var left = QuantileSketch()
        var right = QuantileSketch()
        for _ in 0..<200_000 {
            left.add(generator.nextLatency())
            right.add(generator.nextLatency() * 3)
        }
        let merge = Harness(iterations: 2_000, rounds: harness.rounds, warmupRounds: harness.warmupRounds).measure {
            iterations in
            for _ in 0..<iterations {
                var merged = left
                merged.merge(right)
                blackHole(merged)
            }
        }
        report.add(
            "sketch merge (copy + merge)",
            nanoseconds: merge.median,
            note: "\(left.encoded().count + right.encoded().count) encoded bytes in all"
        )
    }
}

/// A small deterministic generator for benchmark data (SplitMix64).
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// A latency in milliseconds, roughly lognormal around 250 ms (sum of uniforms as a cheap normal).
    mutating func nextLatency(median: Double = 250, spread: Double = 0.8) -> Double {
        var normal = -6.0
        for _ in 0..<12 { normal += nextUnit() }
        return median * exp(spread * normal)
    }
}
