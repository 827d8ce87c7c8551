// Binary format, version 1 (all integers are unsigned LEB128 varints unless noted):
//
//   u8       version (1)
//   varint   count — total number of values
//   varint   zero count — values recorded as 0
//   varint   k — number of non-zero positive buckets
//   if k > 0:
//     varint   zigzag(first bucket index)
//     k times: varint token = gap << 1 | (bucket count > 1 ? 1 : 0)
//              varint bucket count - 2, only when the low bit of token is set
//              gap = empty buckets skipped since the previous one (0 for the first bucket)
//   if count > 0:
//     f64 little-endian sum, min, max
//
// Most buckets of a sparse minute hold a single value, so they cost one byte. Every field has exactly one
// valid spelling, so decode → encode reproduces the input.

extension QuantileSketch {
    static let encodingVersion: UInt8 = 1

    /// The sketch as compact, versioned bytes, for storage or transfer.
    ///
    /// An empty sketch takes 4 bytes; a minute of an LLM-call series (about 60 values over a few powers of
    /// two) about 90 bytes: 28 bytes of header, count, sum, min and max, then one byte per occupied bucket
    /// holding a single value and two or three for busier ones (never more than 12). The encoding depends
    /// only on the logical content, so equal sketches encode identically.
    ///
    /// ```swift
    /// let bytes = sketch.encoded()
    /// let copy = try QuantileSketch(decoding: bytes)  // copy == sketch
    /// ```
    ///
    /// - Returns: The encoding, readable by ``init(decoding:)``.
    public func encoded() -> [UInt8] {
        storage.withUnsafeBufferPointer { counts in
            let occupied = occupiedSlots()
            let first = offset + (occupied?.lowerBound ?? 0)
            let zigzagFirst = UInt64(bitPattern: Int64(first << 1) ^ Int64(first >> 63))
            // First pass: the exact size, so the result is one allocation without spare capacity.
            var nonZero: UInt64 = 0
            var size = 1 + SketchByteWriter.size(of: total) + SketchByteWriter.size(of: zeros) + (total > 0 ? 24 : 0)
            if let occupied {
                size += SketchByteWriter.size(of: zigzagFirst)
                var gap: UInt64 = 0
                for slot in occupied {
                    let bucketCount = counts[slot]
                    if bucketCount == 0 {
                        gap += 1
                        continue
                    }
                    nonZero += 1
                    size += SketchByteWriter.size(of: gap << 1 | 1)
                    if bucketCount > 1 { size += SketchByteWriter.size(of: bucketCount - 2) }
                    gap = 0
                }
            }
            size += SketchByteWriter.size(of: nonZero)
            return [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
                var writer = SketchByteWriter(buffer: buffer)
                writer.byte(Self.encodingVersion)
                writer.varint(total)
                writer.varint(zeros)
                writer.varint(nonZero)
                if let occupied {
                    writer.varint(zigzagFirst)
                    var gap: UInt64 = 0
                    for slot in occupied {
                        let bucketCount = counts[slot]
                        if bucketCount == 0 {
                            gap += 1
                            continue
                        }
                        writer.varint(gap << 1 | (bucketCount > 1 ? 1 : 0))
                        if bucketCount > 1 { writer.varint(bucketCount - 2) }
                        gap = 0
                    }
                }
                if total > 0 {
                    writer.double(sumOfValues)
                    writer.double(minimum)
                    writer.double(maximum)
                }
                precondition(writer.position == size, "sketch encoding size mismatch")
                initializedCount = writer.position
            }
        }
    }

    /// Decodes a sketch written by ``encoded()``, checking every field.
    ///
    /// Rejects truncated input, unknown versions, malformed or over-long varints, bucket indices outside the
    /// range of positive doubles, spans beyond ``maximumBucketCount``, bucket counts that do not add up to
    /// the total, non-finite or inconsistent `sum`/`min`/`max`, and trailing bytes. Never traps, whatever
    /// the bytes.
    ///
    /// ```swift
    /// let sketch = try QuantileSketch(decoding: storedBytes)
    /// ```
    ///
    /// - Parameter bytes: The encoding, e.g. a `[UInt8]`, `ArraySlice<UInt8>` or `Data`.
    /// - Throws: ``SketchDecodingError`` naming what is wrong and at which byte.
    @inlinable
    public init(decoding bytes: some Collection<UInt8>) throws(SketchDecodingError) {
        // Arrays, slices and Data are read in place; other collections are copied once. Inlinable so that callers
        // in other modules (the stores decode a sketch per bucket) get a version specialised for their collection.
        let decoded =
            bytes.withContiguousStorageIfAvailable { buffer in
                Result { () throws(SketchDecodingError) in try QuantileSketch.decode(buffer) }
            }
            ?? Array(bytes).withUnsafeBufferPointer { buffer in
                Result { () throws(SketchDecodingError) in try QuantileSketch.decode(buffer) }
            }
        self = try decoded.get()
    }

    @usableFromInline
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(SketchDecodingError) -> QuantileSketch {
        let header = try header(of: bytes)
        var counts: [UInt64] = []
        if header.buckets > 0 {
            // Over the validated tokens: fill a zeroed array of the exact span.
            counts = [UInt64](repeating: 0, count: header.lastIndex - header.firstIndex + 1)
            var replay = SketchByteReader(bytes: bytes, position: header.tokensStart)
            var slot = -1
            for _ in 0..<header.buckets {
                let token = replay.validatedVarint()
                slot += Int(token >> 1) + 1
                counts[slot] = token & 1 == 1 ? replay.validatedVarint() + 2 : 1
            }
        }
        // Validated, so the decoded buckets become the window as they are: no padding, no collapse.
        var sketch = QuantileSketch()
        sketch.storage = counts
        sketch.offset = header.firstIndex
        sketch.zeros = header.zeroCount
        sketch.total = header.count
        if header.count > 0 {
            sketch.sumOfValues = header.sum
            sketch.minimum = header.min
            sketch.maximum = header.max
        }
        return sketch
    }

    /// What a valid encoding holds besides its bucket counts, which start at `tokensStart`.
    struct Header {
        var count: UInt64
        var zeroCount: UInt64
        var buckets: UInt64
        var firstIndex: Int
        var lastIndex: Int
        var tokensStart: Int
        var sum: Double
        var min: Double
        var max: Double
    }

    /// Validates an encoding in full and returns its header.
    static func header(of bytes: UnsafeBufferPointer<UInt8>) throws(SketchDecodingError) -> Header {
        var reader = SketchByteReader(bytes: bytes)
        let version = try reader.byte("version")
        guard version == encodingVersion else {
            throw SketchDecodingError(
                .unsupportedVersion,
                at: 0,
                "unknown format version \(version); this build reads version \(encodingVersion)"
            )
        }
        let count = try reader.varint("count")
        let zeroCount = try reader.varint("zero count")
        let bucketsStart = reader.position
        let nonZero = try reader.varint("number of buckets")
        guard nonZero <= UInt64(maximumBucketCount) else {
            throw SketchDecodingError(
                .spanTooLarge,
                at: bucketsStart,
                "\(nonZero) buckets listed; at most \(maximumBucketCount) fit in a sketch"
            )
        }
        // Globals read once: each access to a `static let` is a lazy-initialisation check.
        let cap = maximumBucketCount
        let top = maximumIndex
        var added = zeroCount
        var firstIndex = 0
        var index = -1
        var tokensStart = reader.position
        if nonZero > 0 {
            firstIndex = try reader.firstIndex()
            tokensStart = reader.position
            index = firstIndex
            for bucket in 0..<Int(nonZero) {
                let tokenStart = reader.position
                let token = try reader.varint("gap before bucket \(bucket)")
                let gap = token >> 1
                if bucket == 0, gap != 0 {
                    throw SketchDecodingError(.nonCanonical, at: tokenStart, "the first bucket's gap must be 0")
                }
                if bucket > 0 {
                    let limit = UInt64(cap - 1 - (index - firstIndex))
                    guard gap < limit else {
                        throw SketchDecodingError(
                            .spanTooLarge,
                            at: tokenStart,
                            "bucket \(bucket) lies more than \(cap - 1) buckets above the first"
                        )
                    }
                    index += Int(gap) + 1
                    guard index <= top else {
                        throw SketchDecodingError(
                            .indexOutOfRange,
                            at: tokenStart,
                            "bucket \(bucket) has index \(index); the largest possible is \(top)"
                        )
                    }
                }
                var bucketCount: UInt64 = 1
                if token & 1 == 1 {
                    let extra = try reader.varint("count of bucket \(bucket)")
                    guard extra <= UInt64.max - 2 else {
                        throw SketchDecodingError(.countMismatch, at: tokenStart, "count of bucket \(bucket) overflows")
                    }
                    bucketCount = extra + 2
                }
                let (sum, overflow) = added.addingReportingOverflow(bucketCount)
                guard !overflow else {
                    throw SketchDecodingError(.countMismatch, at: tokenStart, "bucket counts overflow 64 bits")
                }
                added = sum
            }
        }
        guard added == count else {
            throw SketchDecodingError(
                .countMismatch,
                at: reader.position,
                "zero and bucket counts add up to \(added), but the count field says \(count)"
            )
        }
        var sum = 0.0
        var min = 0.0
        var max = 0.0
        if count > 0 {
            let statisticsStart = reader.position
            sum = try reader.double("sum") + 0  // + 0 turns -0 into +0, so equal sketches encode alike
            min = try reader.double("min") + 0
            max = try reader.double("max") + 0
            try validate(
                sum: sum,
                min: min,
                max: max,
                zeroCount: zeroCount,
                firstIndex: nonZero == 0 ? nil : firstIndex,
                lastIndex: index,
                at: statisticsStart
            )
        }
        guard reader.position == reader.bytes.count else {
            throw SketchDecodingError(
                .trailingBytes,
                at: reader.position,
                "\(reader.bytes.count - reader.position) bytes after the end of the sketch"
            )
        }
        return Header(
            count: count,
            zeroCount: zeroCount,
            buckets: nonZero,
            firstIndex: firstIndex,
            lastIndex: index,
            tokensStart: tokensStart,
            sum: sum,
            min: min,
            max: max
        )
    }

    static func validate(
        sum: Double,
        min: Double,
        max: Double,
        zeroCount: UInt64,
        firstIndex: Int?,
        lastIndex: Int,
        at offset: Int
    ) throws(SketchDecodingError) {
        func fail(_ message: String) -> SketchDecodingError {
            SketchDecodingError(.invalidStatistic, at: offset, message)
        }
        guard min.isFinite, max.isFinite, min >= 0, min <= max else {
            throw fail("min \(min) and max \(max) must be finite with 0 <= min <= max")
        }
        // Adding non-negative doubles never rounds below the largest term, so sum >= max always holds.
        guard !sum.isNaN, sum >= max else { throw fail("sum \(sum) must be a number at least max \(max)") }
        if zeroCount > 0, min != 0 { throw fail("min is \(min) but \(zeroCount) values were recorded as 0") }
        guard let firstIndex else {
            guard max == 0 else { throw fail("max is \(max) but every value was recorded as 0") }
            return
        }
        guard max > 0, SketchMapping.index(of: max) == lastIndex else {
            throw fail("max \(max) does not fall in the highest bucket \(lastIndex)")
        }
        if zeroCount == 0 {
            // The lowest bucket may hold collapsed values below its own range, but only at the full span.
            let collapsed = lastIndex - firstIndex == maximumBucketCount - 1
            let minIndex = min > 0 ? SketchMapping.index(of: min) : -1
            guard minIndex == firstIndex || (collapsed && minIndex >= 0 && minIndex < firstIndex) else {
                throw fail("min \(min) does not fall in the lowest bucket \(firstIndex)")
            }
        }
    }
}
