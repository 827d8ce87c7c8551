package import Vitals

/// Appends little-endian integers, doubles and length-prefixed strings to a byte array: the format of the
/// stored attribute sums and raw-event details, identical in every backend.
package struct ByteWriter {
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    @inline(__always)
    package mutating func write(_ byte: UInt8) { bytes.append(byte) }

    /// An unsigned LEB128 varint.
    @inline(__always)
    package mutating func writeVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    @inline(__always)
    package mutating func write(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    package mutating func write(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A varint byte length, then the UTF-8 bytes.
    @inline(__always)
    package mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }
}

/// Reads what ``ByteWriter`` wrote; every read checks the remaining length and throws on a short or malformed
/// input instead of trapping.
package struct ByteReader {
    /// A stored value could not be read back.
    package struct Malformed: Error, Sendable {
        package var offset: Int
    }

    private let bytes: [UInt8]
    package private(set) var offset = 0

    package init(_ bytes: [UInt8]) { self.bytes = bytes }

    package var isAtEnd: Bool { offset >= bytes.count }

    package mutating func readByte() throws(Malformed) -> UInt8 {
        guard offset < bytes.count else { throw Malformed(offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    package mutating func readVarint() throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64 else { throw Malformed(offset: offset) }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    package mutating func readInt64() throws(Malformed) -> Int64 {
        guard bytes.count - offset >= 8 else { throw Malformed(offset: offset) }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += 8
        return Int64(bitPattern: value)
    }

    package mutating func readDouble() throws(Malformed) -> Double {
        Double(bitPattern: UInt64(bitPattern: try readInt64()))
    }

    package mutating func readString() throws(Malformed) -> String {
        let length = try readVarint()
        guard length <= UInt64(bytes.count - offset) else { throw Malformed(offset: offset) }
        let end = offset + Int(length)
        defer { offset = end }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }
}

extension EventStatistics {
    /// The attribute sums as stored: a count, then key and value pairs sorted by key.
    package static func encodeSums(_ sums: [String: Double]) -> [UInt8] {
        var writer = ByteWriter(capacity: 16 + sums.count * 24)
        writer.writeVarint(UInt64(sums.count))
        for (key, value) in sums.sorted(by: { $0.key < $1.key }) {
            writer.write(key)
            writer.write(value)
        }
        return writer.bytes
    }

    /// Attribute sums from their stored form.
    package static func decodeSums(_ bytes: [UInt8]) throws(ByteReader.Malformed) -> [String: Double] {
        guard !bytes.isEmpty else { return [:] }
        var reader = ByteReader(bytes)
        let count = try reader.readVarint()
        guard count <= UInt64(bytes.count) else { throw ByteReader.Malformed(offset: 0) }
        var sums: [String: Double] = [:]
        sums.reserveCapacity(Int(count))
        for _ in 0..<count {
            let key = try reader.readString()
            sums[key] = try reader.readDouble()
        }
        return sums
    }
}
