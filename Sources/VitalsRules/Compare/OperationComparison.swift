public import Vitals

/// Count, median and 95th percentile of one side's durations.
public struct DurationStatistics: Sendable, Hashable {
    /// Durations seen (before sampling).
    public var count: UInt64
    /// Median in milliseconds (nearest rank over the kept values).
    public var median: Double
    /// 95th percentile in milliseconds (nearest rank over the kept values).
    public var p95: Double

    /// Statistics of a reservoir's values; `nil` when empty.
    init?(_ reservoir: DurationReservoir, sorted: [Double]) {
        guard !sorted.isEmpty else { return nil }
        count = reservoir.seen
        median = Self.nearestRank(sorted, 0.5)
        p95 = Self.nearestRank(sorted, 0.95)
    }

    /// The value of rank ⌈q·n⌉ (at least 1) of sorted values.
    static func nearestRank(_ sorted: [Double], _ q: Double) -> Double {
        let rank = max(1, Int((q * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }
}

/// The verdict on one operation between a baseline and a current run.
public struct OperationComparison: Sendable, Hashable {
    /// What the comparison concluded.
    public enum Verdict: String, Sendable, Hashable {
        /// Significant, and slower by more than both the relative and the absolute floor.
        case regressed
        /// Significant, and faster by more than both floors.
        case improved
        /// Anything else: not significant, or too small to matter.
        case unchanged
        /// Only in the current run.
        case added = "new"
        /// Only in the baseline.
        case removed = "missing"
    }

    /// The operation (and `--by` values).
    public var key: EventSummary.GroupKey
    /// The baseline's statistics, `nil` when the operation is new.
    public var baseline: DurationStatistics?
    /// The current run's statistics, `nil` when the operation disappeared.
    public var current: DurationStatistics?
    /// Current median over baseline median (`nil` unless both exist and the baseline's is positive).
    public var ratio: Double?
    /// The rank test, when both sides have data.
    package var test: MannWhitneyU?
    /// The two-sided p-value of the Mann-Whitney U test, when both sides have data.
    public var pValue: Double? { test?.pValue }
    /// The verdict.
    public var verdict: Verdict

    /// Compares two samples of durations under `options`' three-part rule.
    ///
    /// ```swift
    /// let result = OperationComparison(key: .init(name: "llm_call"), baseline: old, current: new)
    /// result.verdict   // .regressed, .improved or .unchanged
    /// ```
    public init(
        key: EventSummary.GroupKey,
        baseline: [Double],
        current: [Double],
        options: RegressionOptions = .default
    ) {
        var old = DurationReservoir(capacity: max(1, baseline.count))
        for value in baseline { old.add(value) }
        var new = DurationReservoir(capacity: max(1, current.count))
        for value in current { new.add(value) }
        self.init(key: key, baseline: old, current: new, options: options)
    }

    /// Compares two reservoirs under `options`' three-part rule.
    package init(
        key: EventSummary.GroupKey,
        baseline: DurationReservoir?,
        current: DurationReservoir?,
        options: RegressionOptions = .default
    ) {
        self.key = key
        let oldSorted = (baseline?.values ?? []).sorted()
        let newSorted = (current?.values ?? []).sorted()
        self.baseline = baseline.flatMap { DurationStatistics($0, sorted: oldSorted) }
        self.current = current.flatMap { DurationStatistics($0, sorted: newSorted) }
        guard let old = self.baseline, let new = self.current else {
            ratio = nil
            test = nil
            verdict = self.baseline == nil ? .added : .removed
            return
        }
        ratio = old.median > 0 ? new.median / old.median : nil
        let test = MannWhitneyU(oldSorted, newSorted)
        self.test = test
        let change = new.median - old.median
        let relative = old.median > 0 ? change / old.median : (change == 0 ? 0 : .infinity * change.sign.factor)
        let significant = test.pValue < options.alpha
        if significant, relative > options.minimumRelativeChange, change > options.minimumAbsoluteMilliseconds {
            verdict = .regressed
        } else if significant, relative < -options.minimumRelativeChange,
            -change > options.minimumAbsoluteMilliseconds
        {
            verdict = .improved
        } else {
            verdict = .unchanged
        }
    }

    /// The operation name with its `--by` values: `llm_call [gpt-5]`.
    public var name: String {
        key.labelValues.isEmpty ? key.name : "\(key.name) [\(key.labelValues.joined(separator: ", "))]"
    }
}

extension FloatingPointSign {
    fileprivate var factor: Double { self == .minus ? -1 : 1 }
}
