/// Hashing, encoding and matching of operation keys (a name and its labels) over their UTF-8 bytes.
///
/// The hash is a short multiply-and-rotate mix that reads eight bytes at a time: far cheaper than SipHash for
/// the short names operations have. It is not keyed, so a caller who lets untrusted input choose label values
/// could provoke collisions; that only slows the lookup of those labels, it never mixes series up (every hit is
/// confirmed by comparing the bytes).
enum SeriesKeyBytes {
    /// Byte that starts a label key in an encoded key; never part of UTF-8.
    static let labelKeyTag: UInt8 = 0xFF
    /// Byte that starts a label value in an encoded key; never part of UTF-8.
    static let labelValueTag: UInt8 = 0xFE

    private static let seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    private static let multiplier: UInt64 = 0xBF58_476D_1CE4_E5B9

    /// The bytes of `name` and `labels` as stored in a series.
    static func encode(name: String, labels: Labels) -> [UInt8] {
        var bytes = Array(name.utf8)
        for label in labels {
            bytes.append(labelKeyTag)
            bytes.append(contentsOf: label.key.utf8)
            bytes.append(labelValueTag)
            bytes.append(contentsOf: label.value.utf8)
        }
        return bytes
    }

    /// Calls `body` with the UTF-8 bytes of `string`, without copying them when the string is native.
    @inline(__always)
    static func withUTF8<R>(_ string: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let result = string.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        var copy = string
        return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// The hash of an operation without labels.
    @inline(__always)
    static func hash(name bytes: UnsafeRawBufferPointer) -> UInt64 {
        finish(absorb(bytes, into: seed))
    }

    /// The hash of an operation with labels; equal to `hash(name:)` when `labels` is empty.
    static func hash(name: String, labels: Labels) -> UInt64 {
        var state = withUTF8(name) { absorb($0, into: seed) }
        for label in labels.elements {
            state = withUTF8(label.key) { absorb($0, into: state ^ UInt64(labelKeyTag)) }
            state = withUTF8(label.value) { absorb($0, into: state ^ UInt64(labelValueTag)) }
        }
        return finish(state)
    }

    /// Whether the encoded key at `key` (of `count` bytes) is `name` with `labels`.
    static func matches(_ key: UnsafeRawPointer, count: Int, name: String, labels: Labels) -> Bool {
        var offset = 0
        guard consume(name, from: key, count: count, at: &offset) else { return false }
        for label in labels.elements {
            guard consume(tag: labelKeyTag, from: key, count: count, at: &offset),
                consume(label.key, from: key, count: count, at: &offset),
                consume(tag: labelValueTag, from: key, count: count, at: &offset),
                consume(label.value, from: key, count: count, at: &offset)
            else { return false }
        }
        return offset == count
    }

    /// Whether the key continues with `string` at `offset`; advances past it when it does.
    @inline(__always)
    private static func consume(_ string: String, from key: UnsafeRawPointer, count: Int, at offset: inout Int) -> Bool
    {
        let start = offset
        let length = withUTF8(string) { bytes in
            count - start >= bytes.count && bytesEqual(key + start, bytes.baseAddress, count: bytes.count)
                ? bytes.count : -1
        }
        guard length >= 0 else { return false }
        offset += length
        return true
    }

    /// Whether the key continues with the byte `tag` at `offset`; advances past it when it does.
    @inline(__always)
    private static func consume(tag: UInt8, from key: UnsafeRawPointer, count: Int, at offset: inout Int) -> Bool {
        guard offset < count, key.load(fromByteOffset: offset, as: UInt8.self) == tag else { return false }
        offset += 1
        return true
    }

    /// Whether `count` bytes at `left` and `right` are equal; either may be nil only when `count` is 0.
    @inline(__always)
    static func bytesEqual(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer?, count: Int) -> Bool {
        guard count > 0, let right else { return true }
        var offset = 0
        while count - offset >= 8 {
            if left.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != right.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            {
                return false
            }
            offset += 8
        }
        while offset < count {
            if left.load(fromByteOffset: offset, as: UInt8.self) != right.load(fromByteOffset: offset, as: UInt8.self) {
                return false
            }
            offset += 1
        }
        return true
    }

    @inline(__always)
    private static func absorb(_ bytes: UnsafeRawBufferPointer, into state: UInt64) -> UInt64 {
        let count = bytes.count
        var state = state ^ (UInt64(truncatingIfNeeded: count) &* multiplier)
        guard let base = bytes.baseAddress, count > 0 else { return mix(state) }
        var offset = 0
        while count - offset > 8 {
            state = mix(state ^ base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        // The last 1 ... 8 bytes, read as at most two overlapping loads instead of a byte loop.
        let rest = count - offset
        let tail: UInt64
        if rest >= 4 {
            let low = UInt64(base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let high = UInt64(base.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            tail = low | high << 32
        } else {
            let first = UInt64(base.load(fromByteOffset: offset, as: UInt8.self))
            let middle = UInt64(base.load(fromByteOffset: offset + rest / 2, as: UInt8.self))
            let last = UInt64(base.load(fromByteOffset: count - 1, as: UInt8.self))
            tail = first | middle << 8 | last << 16
        }
        return mix(state ^ tail)
    }

    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        let product = value.multipliedFullWidth(by: multiplier)
        return product.high ^ product.low
    }

    @inline(__always)
    private static func finish(_ state: UInt64) -> UInt64 {
        var value = state
        value ^= value >> 31
        value &*= 0x94D0_49BB_1331_11EB
        value ^= value >> 29
        return value
    }
}
