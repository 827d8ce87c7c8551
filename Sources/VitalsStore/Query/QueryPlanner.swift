/// A run of buckets of one level that a query reads: every bucket of `level` starting in `[from, to)`.
package struct BucketSegment: Sendable, Hashable, CustomStringConvertible {
    package var level: BucketLevel
    package var from: Int64
    package var to: Int64

    package init(level: BucketLevel, from: Int64, to: Int64) {
        self.level = level
        self.from = from
        self.to = to
    }

    package var description: String { "\(level)[\(from), \(to))" }
}

/// Chooses which buckets answer a range: the coarsest level that covers it exactly, with finer levels at the
/// edges.
///
/// A day (hour) bucket is used only when the whole day (hour) lies in the range and has been rolled up (its
/// start is below the level's watermark); the rest falls to the next finer level, down to minutes. Where a
/// finer level has already been deleted by retention, the edge is answered by the coarser buckets that
/// overlap it: beyond 48 hours, ranges resolve to whole hours, beyond 90 days to whole days.
package enum QueryPlanner {
    /// The segments for `[from, to)` widened to whole minutes, merged per level and sorted.
    package static func plan(from: Int64, to: Int64, state: StoreState) -> [BucketSegment] {
        let start = BucketLevel.minute.start(of: from)
        let end = BucketLevel.minute.ceiling(of: to)
        guard start < end else { return [] }
        return normalized(cover(start, end, level: .day, state: state))
    }

    /// The segments of several ranges (the steps of a time series), merged so no bucket is read twice.
    package static func plan(ranges: [(from: Int64, to: Int64)], state: StoreState) -> [BucketSegment] {
        var segments: [BucketSegment] = []
        for range in ranges {
            let start = BucketLevel.minute.start(of: range.from)
            let end = BucketLevel.minute.ceiling(of: range.to)
            if start < end { segments += cover(start, end, level: .day, state: state) }
        }
        return normalized(segments)
    }

    private static func cover(_ from: Int64, _ to: Int64, level: BucketLevel, state: StoreState) -> [BucketSegment] {
        guard from < to else { return [] }
        guard let finer = level.finer else { return available(from, to, level: level, state: state) }
        guard let watermark = state.rolledUntil[level] else { return cover(from, to, level: finer, state: state) }
        let low = level.ceiling(of: from)
        let high = min(level.start(of: to), level.start(of: watermark))
        guard low < high else { return cover(from, to, level: finer, state: state) }
        return cover(from, low, level: finer, state: state)
            + available(low, high, level: level, state: state)
            + cover(high, to, level: finer, state: state)
    }

    /// `[from, to)` at `level`, except the part before the level's retention cut, which is answered by the
    /// overlapping buckets of the next coarser level that has been rolled up (a level added to an older store
    /// holds nothing until its first roll-up).
    private static func available(_ from: Int64, _ to: Int64, level: BucketLevel, state: StoreState) -> [BucketSegment]
    {
        var coarser = level.coarser
        while let candidate = coarser, state.rolledUntil[candidate] == nil { coarser = candidate.coarser }
        guard let recorded = state.prunedBefore[level], let coarser else {
            return [BucketSegment(level: level, from: from, to: to)]
        }
        // Aligned to the coarser level so that the coarser buckets standing in never overlap the finer ones kept.
        let pruned = coarser.ceiling(of: recorded)
        guard from < pruned else { return [BucketSegment(level: level, from: from, to: to)] }
        let gone = min(to, pruned)
        var segments = available(coarser.start(of: from), coarser.ceiling(of: gone), level: coarser, state: state)
        if to > pruned { segments.append(BucketSegment(level: level, from: pruned, to: to)) }
        return segments
    }

    /// Sorted by level then start, with overlapping or touching segments of a level joined.
    private static func normalized(_ segments: [BucketSegment]) -> [BucketSegment] {
        let sorted = segments.sorted { ($0.level, $0.from) < ($1.level, $1.from) }
        var result: [BucketSegment] = []
        for segment in sorted {
            if let last = result.last, last.level == segment.level, segment.from <= last.to {
                result[result.count - 1].to = max(last.to, segment.to)
            } else {
                result.append(segment)
            }
        }
        return result
    }
}
