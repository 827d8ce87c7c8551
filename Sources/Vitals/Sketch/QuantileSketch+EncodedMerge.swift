// Merging a sketch straight from its encoding (the format is described in QuantileSketch+Encoding.swift): what the
// stores do with each bucket a query reads.

extension QuantileSketch {
    /// Adds every value of an encoded sketch, as `merge(QuantileSketch(decoding: bytes))` would, without
    /// building the decoded sketch: a store merging thousands of stored buckets per query reads them this way.
    ///
    /// The bytes are read once: the highest bucket follows from `max`, stored at the end, so the window is
    /// widened first and each bucket is added as it is checked. Bytes found wrong half-way have their buckets
    /// taken back out, then the full check (``init(decoding:)``'s) names the fault.
    ///
    /// - Parameter bytes: An encoding made by ``encoded()``; it is validated as ``init(decoding:)`` does.
    /// - Throws: ``SketchDecodingError`` when the bytes are not a valid encoding; the sketch then holds the values
    ///   it held before.
    package mutating func merge(encoded bytes: UnsafeBufferPointer<UInt8>) throws(SketchDecodingError) {
        guard let prefix = try Self.bucketPrefix(of: bytes), mergeBuckets(prefix, of: bytes) else {
            try mergeCheckedFirst(bytes)
            return
        }
        addFields(of: prefix)
    }

    /// Adds what an encoding holds besides its buckets: count, zero count, sum, min and max.
    private mutating func addFields(of header: Header) {
        total += header.count
        zeros &+= header.zeroCount
        sumOfValues += header.sum
        minimum = Swift.min(minimum, header.min)
        maximum = Swift.max(maximum, header.max)
    }

    /// The fields of an encoding with buckets that come before them, with `sum`, `min` and `max` from its end and
    /// the highest bucket they imply, checked as far as they can be without reading the buckets; `nil` for an
    /// encoding without buckets or one whose end is not a valid set of statistics (the full check then runs).
    private static func bucketPrefix(of bytes: UnsafeBufferPointer<UInt8>) throws(SketchDecodingError) -> Header? {
        // The same reads, in the same order, as `header(of:)`: what throws here throws there too.
        var reader = SketchByteReader(bytes: bytes)
        guard try reader.byte("version") == encodingVersion else { return nil }
        let count = try reader.varint("count")
        let zeroCount = try reader.varint("zero count")
        let buckets = try reader.varint("number of buckets")
        guard buckets > 0, buckets <= UInt64(maximumBucketCount) else { return nil }
        let firstIndex = try reader.firstIndex()
        let tokensEnd = bytes.count - 24
        guard tokensEnd >= reader.position else { return nil }
        var end = SketchByteReader(bytes: bytes, position: tokensEnd)
        guard let sum = try? end.double("sum") + 0, let min = try? end.double("min") + 0,
            let max = try? end.double("max") + 0, max.isFinite, max > 0
        else { return nil }
        let lastIndex = SketchMapping.index(of: max)
        guard lastIndex >= firstIndex, lastIndex - firstIndex < maximumBucketCount, lastIndex <= maximumIndex,
            (try? validate(
                sum: sum,
                min: min,
                max: max,
                zeroCount: zeroCount,
                firstIndex: firstIndex,
                lastIndex: lastIndex,
                at: tokensEnd
            )) != nil
        else { return nil }
        return Header(
            count: count,
            zeroCount: zeroCount,
            buckets: buckets,
            firstIndex: firstIndex,
            lastIndex: lastIndex,
            tokensStart: reader.position,
            sum: sum,
            min: min,
            max: max
        )
    }

    /// Adds the buckets of an encoding with the given prefix, checking each as `header(of:)` does. Returns
    /// `false`, with every bucket it added taken back out, at the first fault (or when the window would have to
    /// collapse buckets to hold them).
    private mutating func mergeBuckets(_ prefix: Header, of bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if prefix.firstIndex < offset || prefix.lastIndex >= offset + storage.count {
            // Widening must not collapse buckets (which could not be taken back out): such merges check first.
            if let occupied = occupiedSlots() {
                let bottom = Swift.min(prefix.firstIndex, offset + occupied.lowerBound)
                let top = Swift.max(prefix.lastIndex, offset + occupied.upperBound)
                guard top - bottom < Self.maximumBucketCount else { return false }
            }
            accommodate(low: prefix.firstIndex, high: prefix.lastIndex)
        }
        let tokensEnd = bytes.count - 24
        // Bounded by the statistics' start, so that a token running into them ends the input.
        var reader = SketchByteReader(bytes: UnsafeBufferPointer(rebasing: bytes[..<tokensEnd]), position: 0)
        reader.position = prefix.tokensStart
        let lastIndex = prefix.lastIndex
        let windowStart = offset
        var index = prefix.firstIndex - 1
        var added = prefix.zeroCount
        var merged: UInt64 = 0
        let complete = storage.withUnsafeMutableBufferPointer { target -> Bool in
            while merged < prefix.buckets {
                guard let token = try? reader.varint("gap") else { return false }
                let gap = token >> 1
                // The first bucket's gap is 0; no bucket lies above the one `max` falls in.
                guard merged == 0 ? gap == 0 : gap < UInt64(lastIndex - index) else { return false }
                index += Int(gap) + 1
                var bucketCount: UInt64 = 1
                if token & 1 == 1 {
                    guard let extra = try? reader.varint("count"), extra <= UInt64.max - 2 else { return false }
                    bucketCount = extra + 2
                }
                let (sum, overflow) = added.addingReportingOverflow(bucketCount)
                guard !overflow else { return false }
                added = sum
                target[Swift.max(index - windowStart, 0)] &+= bucketCount
                merged += 1
            }
            return index == lastIndex && added == prefix.count && reader.position == tokensEnd
        }
        if complete { return true }
        // Take back out what was added: the first `merged` buckets, whose bytes were read without fault.
        var replay = SketchByteReader(bytes: bytes, position: prefix.tokensStart)
        var slot = prefix.firstIndex - windowStart - 1
        storage.withUnsafeMutableBufferPointer { target in
            for _ in 0..<merged {
                let token = replay.validatedVarint()
                slot += Int(token >> 1) + 1
                target[Swift.max(slot, 0)] &-= token & 1 == 1 ? replay.validatedVarint() + 2 : 1
            }
        }
        return false
    }

    /// Checks the whole encoding first (naming its fault), then adds it.
    private mutating func mergeCheckedFirst(_ bytes: UnsafeBufferPointer<UInt8>) throws(SketchDecodingError) {
        let header = try Self.header(of: bytes)
        guard header.count > 0 else { return }
        addFields(of: header)
        guard header.buckets > 0 else { return }
        accommodate(low: header.firstIndex, high: header.lastIndex)
        // After `accommodate`, an index below the window can only be one that collapses into slot 0.
        var replay = SketchByteReader(bytes: bytes, position: header.tokensStart)
        var slot = header.firstIndex - offset - 1
        storage.withUnsafeMutableBufferPointer { target in
            for _ in 0..<header.buckets {
                let token = replay.validatedVarint()
                slot += Int(token >> 1) + 1
                target[Swift.max(slot, 0)] &+= token & 1 == 1 ? replay.validatedVarint() + 2 : 1
            }
        }
    }
}
