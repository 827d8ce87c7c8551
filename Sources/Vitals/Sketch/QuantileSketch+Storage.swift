// Growth, collapse and logical identity of the dense bucket window.
//
// Invariant: the window `offset ..< offset + storage.count` holds every non-zero bucket, is at most
// `maximumBucketCount` long and contains the highest non-zero bucket `H`. Hence `offset >= H - 4095`, and a
// value whose bucket `i` is inside the window is stored at `i` — exactly where the canonical mapping
// `i -> max(i, H - 4095)` puts it. Only `accommodate` moves the window; it re-applies that mapping, so the
// stored buckets are a function of the multiset of values alone, whatever the order of adds and merges.

extension QuantileSketch {
    /// How many values were recorded as 0 (zero, negative or NaN).
    package var zeroCount: UInt64 { zeros }

    /// The index of the lowest non-zero bucket, or `nil` when no positive value was recorded.
    package var firstIndex: Int? {
        occupiedSlots().map { offset + $0.lowerBound }
    }

    /// The counts of the buckets from ``firstIndex`` to the highest non-zero one, zeros in between.
    package var bucketCounts: [UInt64] {
        occupiedSlots().map { Array(storage[$0]) } ?? []
    }

    /// How many buckets are allocated (the window, padding included); never above ``maximumBucketCount``.
    package var allocatedBucketCount: Int { storage.count }

    /// The slots of the lowest and highest non-zero buckets in `storage`.
    func occupiedSlots() -> ClosedRange<Int>? {
        storage.withUnsafeBufferPointer { counts in
            var low = 0
            while low < counts.count, counts[low] == 0 { low += 1 }
            guard low < counts.count else { return nil }
            var high = counts.count - 1
            while counts[high] == 0 { high -= 1 }
            return low...high
        }
    }

    /// The slow path of `add`: the bucket lies outside the window.
    mutating func addOutsideWindow(index: Int, count: UInt64) {
        // Already at the cap with the highest bucket on top: everything lower collapses into slot 0.
        if index < offset, storage.count == Self.maximumBucketCount, storage[storage.count - 1] != 0 {
            storage[0] += count
            return
        }
        accommodate(low: index, high: index)
        storage[Swift.max(index - offset, 0)] += count
    }

    /// Moves or grows the window so that buckets `low...high` can be added: afterwards every index in
    /// `low...high` is either inside the window or below it, and then it belongs in slot 0 (collapsed).
    mutating func accommodate(low: Int, high: Int) {
        let end = offset + storage.count
        if low >= offset, high < end { return }
        let occupied = occupiedSlots()
        var bottom = low
        var top = high
        if let occupied {
            bottom = Swift.min(bottom, offset + occupied.lowerBound)
            top = Swift.max(top, offset + occupied.upperBound)
        }
        let floor = top - (Self.maximumBucketCount - 1)
        bottom = Swift.max(bottom, floor)
        let needed = top - bottom + 1
        // Half as much room again as needed: geometric growth keeps adds amortised O(1) while a sketch holds
        // at most 1.5 times its span (plus the 64-bucket minimum), never more than the cap.
        let size = Swift.min(Self.maximumBucketCount, Swift.max(needed + needed / 2, Self.initialBucketCount))
        let spare = size - needed
        let newOffset: Int
        if storage.isEmpty || (low < offset && high >= end) {
            newOffset = bottom - spare / 2
        } else if high >= end {
            newOffset = bottom
        } else {
            newOffset = bottom - spare
        }
        // `floor <= newOffset <= bottom`, so every collapsed or kept index maps into the new window.
        var fresh = [UInt64](repeating: 0, count: size)
        if let occupied {
            for slot in occupied where storage[slot] != 0 {
                fresh[Swift.max(offset + slot, floor) - newOffset] += storage[slot]
            }
        }
        storage = fresh
        offset = newOffset
    }
}

extension QuantileSketch: Hashable {
    /// Whether two sketches hold the same values: same buckets, count, sum, min and max.
    ///
    /// Compares logical content, not how much spare room each has allocated.
    public static func == (lhs: QuantileSketch, rhs: QuantileSketch) -> Bool {
        guard lhs.total == rhs.total, lhs.zeros == rhs.zeros else { return false }
        guard lhs.total > 0 else { return true }
        guard lhs.sumOfValues == rhs.sumOfValues, lhs.minimum == rhs.minimum, lhs.maximum == rhs.maximum else {
            return false
        }
        let left = lhs.occupiedSlots()
        let right = rhs.occupiedSlots()
        guard let left, let right else { return left == nil && right == nil }
        guard lhs.offset + left.lowerBound == rhs.offset + right.lowerBound, left.count == right.count else {
            return false
        }
        return lhs.storage[left].elementsEqual(rhs.storage[right])
    }

    /// Hashes the logical content, consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(total)
        hasher.combine(zeros)
        guard total > 0 else { return }
        hasher.combine(sumOfValues)
        hasher.combine(minimum)
        hasher.combine(maximum)
        if let occupied = occupiedSlots() {
            hasher.combine(offset + occupied.lowerBound)
            hasher.combine(occupied.count)
            for slot in occupied {
                hasher.combine(storage[slot])
            }
        }
    }
}

extension QuantileSketch: CustomStringConvertible {
    /// A one-line summary for logs and debugging, e.g. `QuantileSketch(count: 60, min: 412.0, p50: 951.3,
    /// p99: 4301.2, max: 4310.0)`.
    public var description: String {
        guard let min, let max, let p50 = quantile(0.5), let p99 = quantile(0.99) else {
            return "QuantileSketch(count: 0)"
        }
        return "QuantileSketch(count: \(count), min: \(min), p50: \(p50), p99: \(p99), max: \(max))"
    }
}
