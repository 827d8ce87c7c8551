import Foundation

/// The Mann–Whitney U test (Wilcoxon rank-sum): are values of one sample systematically larger than those of
/// another? It compares ranks, not values, so a few extreme latencies cannot dominate it.
///
/// The p-value uses the normal approximation with the tie correction of the variance and a continuity
/// correction of 0.5, two-sided. It is accurate for samples of about 20 and more; smaller samples rarely
/// reach significance, which suits a regression gate.
///
/// ```swift
/// let test = MannWhitneyU(baseline, current)
/// if test.pValue < 0.01 { print("distributions differ") }
/// ```
package struct MannWhitneyU: Sendable, Hashable {
    /// U of the first sample: how many (first, second) pairs have the first value larger (ties count ½).
    package var u: Double
    /// The standardized statistic; positive when the second sample tends to be larger.
    package var z: Double
    /// Two-sided p-value.
    package var pValue: Double

    /// Runs the test on two samples (in any order; they are copied and sorted).
    package init(_ first: [Double], _ second: [Double]) {
        let n1 = Double(first.count)
        let n2 = Double(second.count)
        guard !first.isEmpty, !second.isEmpty else {
            u = 0
            z = 0
            pValue = 1
            return
        }
        // Sort all values once with their sample tag, then walk runs of ties giving each its average rank.
        var combined: [(value: Double, isFirst: Bool)] = []
        combined.reserveCapacity(first.count + second.count)
        for value in first { combined.append((value, true)) }
        for value in second { combined.append((value, false)) }
        combined.sort { $0.value < $1.value }
        var rankSumFirst = 0.0
        var tieTerm = 0.0
        var start = 0
        while start < combined.count {
            var end = start + 1
            while end < combined.count, combined[end].value == combined[start].value { end += 1 }
            let averageRank = Double(start + end + 1) / 2  // ranks start + 1 … end
            var firstInRun = 0
            for index in start..<end where combined[index].isFirst { firstInRun += 1 }
            rankSumFirst += averageRank * Double(firstInRun)
            let runLength = Double(end - start)
            tieTerm += runLength * runLength * runLength - runLength
            start = end
        }
        let n = n1 + n2
        let u1 = rankSumFirst - n1 * (n1 + 1) / 2
        let mean = n1 * n2 / 2
        let variance = n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        u = u1
        guard variance > 0 else {
            z = 0
            pValue = 1
            return
        }
        let difference = mean - u1  // positive when the second sample ranks higher
        let corrected = max(0, abs(difference) - 0.5)
        z = (difference < 0 ? -corrected : corrected) / variance.squareRoot()
        pValue = min(1, erfc(abs(z) / 2.0.squareRoot()))
    }
}
