import VitalsRules

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The distributions the simulation draws from, on the rules module's seedable generator (its sequence is fixed
/// by the seed on every platform, which `SystemRandomNumberGenerator`'s is not).
extension SplitMix64 {
    /// Uniform in [0, 1).
    mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    mutating func nextInt(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// Standard normal, by Box–Muller.
    mutating func normal() -> Double {
        let u = max(nextDouble(), 1e-12)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * nextDouble())
    }

    mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * normal())
    }

    /// Poisson by Knuth's method for small means, normal approximation above 30.
    mutating func poisson(mean: Double) -> Int {
        if mean > 30 { return max(0, Int((mean + mean.squareRoot() * normal()).rounded())) }
        let limit = exp(-mean)
        var count = 0
        var product = nextDouble()
        while product > limit {
            count += 1
            product *= nextDouble()
        }
        return count
    }
}
