import Foundation

/// Whether memory grows over a run: a robust slope, a significance test, and a verdict that only suspects a
/// leak when the growth is both significant and large enough to matter.
///
/// - The slope is the Theil–Sen estimator (median of the slopes between all pairs of samples): a few spikes
///   from a garbage collector or a large request do not tilt it.
/// - The Mann–Kendall test asks whether later samples tend to be larger than earlier ones, without assuming
///   a straight line or normal noise; the p-value is two-sided, from the normal approximation with the tie
///   correction.
/// - A leak is suspected when p < `alpha` (default 0.05), the slope is positive, and the growth the slope
///   implies over the observed span is at least `minimumGrowthMegabytes` (default 1 MB).
/// - The efficiency score (0…1) is mean over peak (1 = flat, lower = spiky), times limit over peak when a
///   limit is given and exceeded.
///
/// At most `maximumSamples` (2,000) samples are used, evenly thinned, so the pairwise work stays bounded.
///
/// ```swift
/// let trend = MemoryTrend(samples: [(0, 45.2), (60, 47.1), (120, 46.8), (180, 48.2), (240, 49.1), (300, 50)])
/// trend?.slopeMegabytesPerSecond   // ≈ 0.016
/// ```
public struct MemoryTrend: Sendable, Hashable {
    /// Samples used at most (more are thinned evenly).
    public static let maximumSamples = 2000

    /// Growth in MB per second (Theil–Sen).
    public var slopeMegabytesPerSecond: Double
    /// Mann–Kendall S: pairs rising minus pairs falling.
    public var kendallS: Double
    /// Two-sided p-value of the Mann–Kendall test.
    public var pValue: Double
    /// Whether the trend is significant at `alpha`.
    public var isSignificant: Bool
    /// Whether a leak is suspected (significant, rising, and large enough).
    public var leakSuspected: Bool
    /// Highest sample, MB.
    public var peakMegabytes: Double
    /// Mean of the samples, MB.
    public var meanMegabytes: Double
    /// The first sample, MB.
    public var firstMegabytes: Double
    /// The last sample, MB.
    public var lastMegabytes: Double
    /// Seconds between the first and last sample.
    public var spanSeconds: Double
    /// Samples analysed (after thinning).
    public var sampleCount: Int
    /// 0…1: mean over peak, times limit over peak when the limit is exceeded.
    public var efficiencyScore: Double

    /// Analyses samples of (seconds, megabytes) in any order; `nil` with fewer than 3 samples or no time span.
    public init?(
        samples: [(seconds: Double, megabytes: Double)],
        alpha: Double = 0.05,
        minimumGrowthMegabytes: Double = 1,
        limitMegabytes: Double? = nil
    ) {
        var points = samples.filter { $0.seconds.isFinite && $0.megabytes.isFinite }.sorted { $0.seconds < $1.seconds }
        if points.count > Self.maximumSamples {
            let step = Double(points.count - 1) / Double(Self.maximumSamples - 1)
            points = (0..<Self.maximumSamples).map { points[Int((Double($0) * step).rounded())] }
        }
        guard points.count >= 3, let first = points.first, let last = points.last, last.seconds > first.seconds
        else { return nil }
        var slopes: [Double] = []
        slopes.reserveCapacity(points.count * (points.count - 1) / 2)
        var s = 0.0
        for i in 0..<(points.count - 1) {
            for j in (i + 1)..<points.count {
                let rise = points[j].megabytes - points[i].megabytes
                if rise > 0 { s += 1 } else if rise < 0 { s -= 1 }
                let run = points[j].seconds - points[i].seconds
                if run > 0 { slopes.append(rise / run) }
            }
        }
        slopes.sort()
        let middle = slopes.count / 2
        slopeMegabytesPerSecond = slopes.count % 2 == 1 ? slopes[middle] : (slopes[middle - 1] + slopes[middle]) / 2
        kendallS = s
        let n = Double(points.count)
        var tieTerm = 0.0
        for count in Dictionary(grouping: points, by: \.megabytes).values.map(\.count) where count > 1 {
            let t = Double(count)
            tieTerm += t * (t - 1) * (2 * t + 5)
        }
        let variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18
        if variance > 0, s != 0 {
            let z = (s - (s > 0 ? 1 : -1)) / variance.squareRoot()
            pValue = min(1, erfc(abs(z) / 2.0.squareRoot()))
        } else {
            pValue = 1
        }
        isSignificant = pValue < alpha
        spanSeconds = last.seconds - first.seconds
        leakSuspected =
            isSignificant && slopeMegabytesPerSecond > 0
            && slopeMegabytesPerSecond * spanSeconds >= minimumGrowthMegabytes
        let values = points.map(\.megabytes)
        peakMegabytes = values.max()!
        meanMegabytes = values.reduce(0, +) / n
        firstMegabytes = first.megabytes
        lastMegabytes = last.megabytes
        sampleCount = points.count
        var efficiency = peakMegabytes > 0 ? max(0, meanMegabytes) / peakMegabytes : 1
        if let limitMegabytes, limitMegabytes > 0, peakMegabytes > limitMegabytes {
            efficiency *= limitMegabytes / peakMegabytes
        }
        efficiencyScore = min(1, max(0, efficiency))
    }

    public static func == (lhs: MemoryTrend, rhs: MemoryTrend) -> Bool {
        lhs.slopeMegabytesPerSecond == rhs.slopeMegabytesPerSecond && lhs.pValue == rhs.pValue
            && lhs.sampleCount == rhs.sampleCount && lhs.peakMegabytes == rhs.peakMegabytes
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(slopeMegabytesPerSecond) }
}

/// A bounded time series for memory samples: keeps every sample until `capacity`, then every second one and
/// doubles its stride, so a long run keeps an even spread of at most `capacity` points.
package struct ThinningSeries: Sendable, Hashable {
    /// Points kept at most.
    package let capacity: Int
    private var stride = 1
    private var offered = 0
    /// The kept points, in the order offered.
    package private(set) var points: [Point] = []

    /// One (seconds, value) point.
    package struct Point: Sendable, Hashable {
        /// Seconds since the epoch (or any fixed origin).
        package var seconds: Double
        /// The value, e.g. megabytes.
        package var value: Double
    }

    /// An empty series.
    package init(capacity: Int = 4096) {
        precondition(capacity >= 2, "a series keeps at least two points")
        self.capacity = capacity
    }

    /// Offers one point; it is kept when it falls on the current stride.
    package mutating func add(seconds: Double, value: Double) {
        defer { offered += 1 }
        guard offered % stride == 0 else { return }
        points.append(Point(seconds: seconds, value: value))
        if points.count >= capacity {
            points = points.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
            stride *= 2
        }
    }
}
