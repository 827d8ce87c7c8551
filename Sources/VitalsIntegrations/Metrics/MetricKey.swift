/// The cache key of a metric handle: the label and dimensions exactly as the caller passed them.
///
/// Building a key retains the caller's strings and array without copying them, and the hash is a short mix of
/// their UTF-8 bytes, so that looking up a handle seen before allocates nothing.
struct MetricKey: Hashable {
    let label: String
    let dimensions: [(String, String)]
    let mixedHash: UInt64

    init(label: String, dimensions: [(String, String)]) {
        self.label = label
        self.dimensions = dimensions
        var state = Self.absorb(label, into: 0x9E37_79B9_7F4A_7C15)
        for (key, value) in dimensions {
            state = Self.absorb(key, into: state ^ 0xFF)
            state = Self.absorb(value, into: state ^ 0xFE)
        }
        mixedHash = state
    }

    static func == (left: MetricKey, right: MetricKey) -> Bool {
        guard left.mixedHash == right.mixedHash, left.dimensions.count == right.dimensions.count,
            left.label == right.label
        else { return false }
        for (one, other) in zip(left.dimensions, right.dimensions) where one.0 != other.0 || one.1 != other.1 {
            return false
        }
        return true
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(mixedHash)
    }

    private static let multiplier: UInt64 = 0xBF58_476D_1CE4_E5B9

    /// Mixes the UTF-8 bytes of `text` into `state`, eight at a time.
    @inline(__always)
    private static func absorb(_ text: String, into state: UInt64) -> UInt64 {
        if let mixed = text.utf8.withContiguousStorageIfAvailable({ absorb(UnsafeRawBufferPointer($0), into: state) }) {
            return mixed
        }
        var copy = text
        return copy.withUTF8 { absorb(UnsafeRawBufferPointer($0), into: state) }
    }

    private static func absorb(_ bytes: UnsafeRawBufferPointer, into state: UInt64) -> UInt64 {
        var state = state ^ UInt64(bytes.count)
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            state = (state ^ word) &* multiplier
            state ^= state >> 29
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        state = (state ^ tail) &* multiplier
        return state ^ (state >> 32)
    }
}
