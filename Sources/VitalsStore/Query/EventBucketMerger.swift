package import Vitals

/// Event buckets merged per group and step straight from their stored columns: what a stats query does with
/// the thousands of buckets it reads (100 agents over 24 hours: about 16,000), without decoding each bucket's
/// sketch and attribute sums into values of their own first.
///
/// A backend hands it each bucket row's columns, bytes borrowed from the row (``add(seriesID:start:count:errors:timeouts:sketch:sums:)``);
/// attribute names are interned once per query, their sums kept in arrays until ``groups()``. The answer is the
/// one merging the decoded buckets in the same order gives, to the last bit.
package struct EventBucketMerger: Sendable {
    /// Per group, per step start: what was merged, attribute sums by interned name.
    struct Partial: Sendable {
        var statistics = EventStatistics()
        /// Whether a bucket was merged in.
        var merged = false
        /// Indexed like `names`; `nil` for a name this partial has not seen.
        var sums: [Double?] = []
    }

    /// The series read, each with its group.
    package let seriesIDs: [Int64]
    private let groupOf: [Int64: Int]
    private let stepStart: Int64
    private let stepWidth: Int64?
    private let groupCount: Int
    /// Stats (one step): one per group, at the group's index. Time series: in the order first met, found by
    /// `slotOf`.
    private var slots: [Partial]
    private var slotOf: [GroupStep: Int] = [:]
    private var names: [String] = []
    private var nameBytes: [[UInt8]] = []
    /// The name index the n-th pair of the last sums read had: rows list the same names, so this is checked first.
    private var recentNames: [Int] = []
    private var lastSeries: Int64?
    private var lastGroup: Int?

    private struct GroupStep: Hashable, Sendable {
        var group: Int
        var step: Int64
    }

    /// - Parameters:
    ///   - seriesIDs: The series to read, in the order their buckets should be read.
    ///   - groupOf: The group index of each of them.
    ///   - groups: How many groups there are.
    ///   - stepStart: The start of the first step.
    ///   - stepWidth: The width of a step; `nil`: one step, at `stepStart`.
    package init(seriesIDs: [Int64], groupOf: [Int64: Int], groups: Int, stepStart: Int64, stepWidth: Int64?) {
        self.groupOf = groupOf
        self.seriesIDs = seriesIDs
        self.stepStart = stepStart
        self.stepWidth = stepWidth
        self.groupCount = groups
        self.slots = stepWidth == nil ? Array(repeating: Partial(), count: groups) : []
    }

    /// Merges one bucket row.
    ///
    /// - Throws: ``StoreError`` (corrupt database) when the sketch or the attribute sums cannot be read; the
    ///   merged statistics may then hold part of the row.
    package mutating func add(
        seriesID: Int64,
        start: Int64,
        count: Int64,
        errors: Int64,
        timeouts: Int64,
        sketch: UnsafeRawBufferPointer,
        sums: UnsafeRawBufferPointer
    ) throws(StoreError) {
        // Rows come series by series: the group of the last one is asked again most of the time.
        if seriesID != lastSeries {
            lastSeries = seriesID
            lastGroup = groupOf[seriesID]
        }
        guard let group = lastGroup else { return }
        var slot = group
        if let stepWidth {
            // Buckets standing in for pruned minutes may start before the range; they count in its first step.
            let key = GroupStep(group: group, step: stepStart + max(0, start - stepStart) / stepWidth * stepWidth)
            if let known = slotOf[key] {
                slot = known
            } else {
                slot = slots.count
                slotOf[key] = slot
                slots.append(Partial())
            }
        }
        slots[slot].merged = true
        slots[slot].statistics.count &+= UInt64(max(0, count))
        slots[slot].statistics.errors &+= UInt64(max(0, errors))
        slots[slot].statistics.timeouts &+= UInt64(max(0, timeouts))
        do {
            try slots[slot].statistics.durations.merge(encoded: sketch.assumingMemoryBound(to: UInt8.self))
        } catch {
            throw StoreError(
                code: .corruptDatabase,
                message: "an event bucket holds an unreadable sketch or attribute sums",
                underlying: error
            )
        }
        guard !sums.isEmpty else { return }
        var reader = RawByteReader(bytes: sums)
        guard let pairs = reader.varint(), pairs <= UInt64(sums.count) else { throw Self.unreadableSums }
        for pair in 0..<Int(pairs) {
            guard let length = reader.varint(), let name = reader.bytes(length), let value = reader.double() else {
                throw Self.unreadableSums
            }
            let index = intern(name, pair: pair)
            if slots[slot].sums.count <= index {
                slots[slot].sums.append(contentsOf: repeatElement(nil, count: index + 1 - slots[slot].sums.count))
            }
            // From 0 as a dictionary's default would: the same bits as merging decoded buckets.
            slots[slot].sums[index] = (slots[slot].sums[index] ?? 0) + value
        }
    }

    /// The merged statistics per group (in the order of the group indices), by step start.
    package func groups() -> [[Int64: EventStatistics]] {
        func statistics(_ partial: Partial) -> EventStatistics {
            var statistics = partial.statistics
            for (index, value) in partial.sums.enumerated() {
                if let value { statistics.attributeSums[names[index]] = value }
            }
            return statistics
        }
        var groups = Array(repeating: [Int64: EventStatistics](), count: groupCount)
        if stepWidth == nil {
            for (group, partial) in slots.enumerated() where partial.merged {
                groups[group][stepStart] = statistics(partial)
            }
        } else {
            for (key, slot) in slotOf { groups[key.group][key.step] = statistics(slots[slot]) }
        }
        return groups
    }

    private static var unreadableSums: StoreError {
        StoreError(code: .corruptDatabase, message: "an event bucket holds an unreadable sketch or attribute sums")
    }

    private mutating func intern(_ name: UnsafeRawBufferPointer, pair: Int) -> Int {
        if pair < recentNames.count, Self.same(nameBytes[recentNames[pair]], name) { return recentNames[pair] }
        var found = nameBytes.firstIndex { Self.same($0, name) }
        if found == nil {
            nameBytes.append(Array(name))
            names.append(String(decoding: name, as: UTF8.self))
            found = names.count - 1
        }
        let index = found ?? 0
        if pair < recentNames.count {
            recentNames[pair] = index
        } else {
            recentNames.append(index)
        }
        return index
    }

    private static func same(_ known: [UInt8], _ name: UnsafeRawBufferPointer) -> Bool {
        guard known.count == name.count else { return false }
        return known.withUnsafeBytes { known in
            for index in 0..<name.count where known[index] != name[index] { return false }
            return true
        }
    }
}

/// Reads the stored attribute sums' format (see ``ByteWriter``) from borrowed bytes; `nil` when they end early.
private struct RawByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    mutating func bytes(_ count: UInt64) -> UnsafeRawBufferPointer? {
        guard count <= UInt64(bytes.count - offset) else { return nil }
        defer { offset += Int(count) }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(count)])
    }

    mutating func double() -> Double? {
        guard bytes.count - offset >= 8 else { return nil }
        var bits: UInt64 = 0
        for index in 0..<8 { bits |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += 8
        return Double(bitPattern: bits)
    }
}
