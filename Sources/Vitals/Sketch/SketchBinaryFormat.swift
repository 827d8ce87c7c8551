/// Writes the fields of a sketch encoding into a buffer sized in advance by `size(of:)`.
struct SketchByteWriter {
    let buffer: UnsafeMutableBufferPointer<UInt8>
    var position = 0

    init(buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    /// The number of bytes `varint(value)` writes.
    static func size(of value: UInt64) -> Int {
        (64 - (value | 1).leadingZeroBitCount + 6) / 7
    }

    mutating func byte(_ value: UInt8) {
        buffer[position] = value
        position += 1
    }

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            buffer[position] = UInt8(truncatingIfNeeded: rest) | 0x80
            position += 1
            rest >>= 7
        }
        buffer[position] = UInt8(rest)
        position += 1
    }

    mutating func double(_ value: Double) {
        var bits = value.bitPattern
        for _ in 0..<8 {
            buffer[position] = UInt8(truncatingIfNeeded: bits)
            position += 1
            bits >>= 8
        }
    }
}

/// Reads the fields of a sketch encoding, turning every shortfall into a `SketchDecodingError`.
struct SketchByteReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    mutating func byte(_ field: @autoclosure () -> String) throws(SketchDecodingError) -> UInt8 {
        guard position < bytes.count else {
            throw SketchDecodingError(.truncated, at: position, "input ends before the \(field())")
        }
        defer { position += 1 }
        return bytes[position]
    }

    @inline(__always)
    mutating func varint(_ field: @autoclosure () -> String) throws(SketchDecodingError) -> UInt64 {
        // Most fields (gaps, small counts) fit in one byte.
        if position < bytes.count, bytes[position] < 0x80 {
            position += 1
            return UInt64(bytes[position - 1])
        }
        let start = position
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            guard position < bytes.count else {
                throw SketchDecodingError(.truncated, at: position, "input ends inside the \(field())")
            }
            let byte = bytes[position]
            position += 1
            let payload = UInt64(byte & 0x7F)
            guard shift < 63 || payload <= 1 else {
                throw SketchDecodingError(.malformedVarint, at: start, "the \(field()) does not fit in 64 bits")
            }
            value |= payload &<< UInt64(shift)
            guard byte & 0x80 != 0 else {
                if byte == 0, position - start > 1 {
                    throw SketchDecodingError(.nonCanonical, at: start, "the \(field()) has redundant zero bytes")
                }
                return value
            }
        }
        throw SketchDecodingError(.malformedVarint, at: start, "the \(field()) is longer than 10 bytes")
    }

    /// Reads a varint that an earlier pass has already checked.
    @inline(__always)
    mutating func validatedVarint() -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = bytes[position]
            position &+= 1
            value |= UInt64(byte & 0x7F) &<< shift
            if byte < 0x80 { return value }
            shift &+= 7
        }
    }

    mutating func firstIndex() throws(SketchDecodingError) -> Int {
        let start = position
        let raw = try varint("first bucket index")
        let index = Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
        guard index >= 0, index <= Int64(QuantileSketch.maximumIndex) else {
            throw SketchDecodingError(
                .indexOutOfRange,
                at: start,
                "first bucket index \(index) outside 0...\(QuantileSketch.maximumIndex)"
            )
        }
        return Int(index)
    }

    mutating func double(_ field: String) throws(SketchDecodingError) -> Double {
        guard bytes.count - position >= 8 else {
            throw SketchDecodingError(.truncated, at: position, "input ends inside the \(field) (8 bytes)")
        }
        var bits: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 8) {
            bits |= UInt64(bytes[position]) &<< UInt64(shift)
            position += 1
        }
        return Double(bitPattern: bits)
    }
}
