/// The three-part rule `vitals compare` uses to call a regression, and how durations are collected.
///
/// A change is a regression only if it is statistically significant (Mann–Whitney U, p < `alpha`) AND the
/// median grew by more than `minimumRelativeChange` AND by more than `minimumAbsoluteMilliseconds`. Each part
/// alone cries wolf on a noisy machine: significance alone flags 1 % shifts on large samples, a ratio alone
/// flags noise on small samples, and both flag 0.1 ms operations that doubled to 0.2 ms. An improvement is
/// the mirror image.
///
/// ```swift
/// var options = RegressionOptions()
/// options.minimumRelativeChange = 0.05   // 5 %
/// ```
public struct RegressionOptions: Sendable, Hashable {
    /// Significance level of the two-sided test. Default 0.01.
    public var alpha: Double = 0.01
    /// Smallest relative change of the median that counts (0.10 = 10 %). Default 0.10.
    public var minimumRelativeChange: Double = 0.10
    /// Smallest absolute change of the median that counts, in milliseconds. Default 1.
    public var minimumAbsoluteMilliseconds: Double = 1
    /// Labels or attributes that split operations further (`--by model`). Default none.
    public var groupBy: [String] = []
    /// Durations kept per operation and side before sampling. Default 100,000.
    public var reservoirCapacity: Int = RegressionOptions.defaultReservoirCapacity

    /// Durations kept per operation and side when nothing else is said: 100,000.
    public static let defaultReservoirCapacity = 100_000

    /// The defaults.
    public init() {}

    /// The defaults.
    public static let `default` = RegressionOptions()
}
