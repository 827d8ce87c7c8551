#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Positions for a set of keys that is usually tiny (operation names, models, tools): up to 16 keys are found
/// by a linear scan, which for short strings beats hashing; more fall back to a dictionary.
package struct SmallIndex<Key: Hashable & Sendable>: Sendable {
    package private(set) var keys: [Key] = []
    private var positions: [Key: Int] = [:]
    private static var linearLimit: Int { 16 }

    package init() {}

    /// The position of `key`, adding it at the end when it is new.
    @inline(__always)
    package mutating func position(of key: Key) -> (position: Int, isNew: Bool) {
        if keys.count <= Self.linearLimit {
            for index in keys.indices where keys[index] == key { return (index, false) }
        } else if let position = positions[key] {
            return (position, false)
        }
        keys.append(key)
        if keys.count > Self.linearLimit {
            if positions.isEmpty {
                for (index, existing) in keys.enumerated() { positions[existing] = index }
            } else {
                positions[key] = keys.count - 1
            }
        }
        return (keys.count - 1, true)
    }
}

/// Values kept per key of a ``SmallIndex``, in the order keys were first seen.
package struct IndexedValues<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var index = SmallIndex<Key>()
    private var values: [Value] = []
    private let makeValue: @Sendable () -> Value

    package init(_ makeValue: @escaping @Sendable () -> Value) {
        self.makeValue = makeValue
    }

    /// Changes the value of `key`, creating it first when it is new.
    @inline(__always)
    package mutating func update(_ key: Key, _ body: (inout Value) -> Void) {
        let (position, isNew) = index.position(of: key)
        if isNew { values.append(makeValue()) }
        body(&values[position])
    }

    /// Every key with its value.
    package var dictionary: [Key: Value] {
        Dictionary(uniqueKeysWithValues: zip(index.keys, values))
    }
}

extension IndexedValues {
    /// The position of `key`, creating its value first when it is new.
    @inline(__always)
    package mutating func position(of key: Key) -> Int {
        let (position, isNew) = index.position(of: key)
        if isNew { values.append(makeValue()) }
        return position
    }

    /// Changes the value at a position returned by ``position(of:)``.
    @inline(__always)
    package mutating func update(at position: Int, _ body: (inout Value) -> Void) {
        body(&values[position])
    }
}

/// Positions for keys given as raw bytes (a name read from a line), so that finding a known key builds no
/// string: up to 16 keys are compared in turn, more are found through an open-addressing table.
struct BytePositions: Sendable {
    private struct Entry: Sendable {
        var offset: Int
        var length: Int
        var position: Int
    }

    /// Every key's bytes, one after another.
    private var storage: [UInt8] = []
    private var entries: [Entry] = []
    /// Entry numbers plus one (0 marks a free slot); empty until there are more than 16 keys.
    private var table: [Int32] = []
    private static var linearLimit: Int { 16 }

    /// The position stored for `key`; `make` gives (and the index keeps) the position of a new key.
    @inline(__always)
    mutating func position(of key: UnsafeRawBufferPointer, orAdd make: () -> Int) -> Int {
        if let known = position(of: key) { return known }
        let position = make()
        entries.append(Entry(offset: storage.count, length: key.count, position: position))
        storage.append(contentsOf: key)
        if entries.count > Self.linearLimit { rebuildTableIfNeeded() }
        return position
    }

    /// The position stored for `key`, or `nil`.
    @inline(__always)
    func position(of key: UnsafeRawBufferPointer) -> Int? {
        if table.isEmpty {
            for entry in entries where entry.length == key.count && matches(entry, key) { return entry.position }
        } else {
            var slot = Self.hash(key) & (table.count - 1)
            while table[slot] != 0 {
                let entry = entries[Int(table[slot]) - 1]
                if entry.length == key.count && matches(entry, key) { return entry.position }
                slot = (slot + 1) & (table.count - 1)
            }
        }
        return nil
    }

    @inline(__always)
    private func matches(_ entry: Entry, _ key: UnsafeRawBufferPointer) -> Bool {
        guard entry.length > 0 else { return true }
        return storage.withUnsafeBufferPointer {
            memcmp($0.baseAddress! + entry.offset, key.baseAddress!, entry.length)
        }
            == 0
    }

    /// Keeps the table at most half full, inserting the newest entry (or all of them after a resize).
    private mutating func rebuildTableIfNeeded() {
        if table.count >= entries.count * 2 {
            insert(entries.count - 1)
            return
        }
        table = [Int32](repeating: 0, count: max(64, (entries.count * 4).nextPowerOf2))
        for number in entries.indices { insert(number) }
    }

    private mutating func insert(_ number: Int) {
        let entry = entries[number]
        var slot = storage.withUnsafeBytes {
            Self.hash(UnsafeRawBufferPointer(rebasing: $0[entry.offset..<entry.offset + entry.length]))
        }
        slot &= table.count - 1
        while table[slot] != 0 { slot = (slot + 1) & (table.count - 1) }
        table[slot] = Int32(number + 1)
    }

    /// The standard library's seeded hash of the bytes: keys come from input files, and a fixed hash would let
    /// a file of colliding names turn every lookup into a scan of the table.
    @inline(__always)
    private static func hash(_ key: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: key)
        return hasher.finalize()
    }
}

extension Int {
    /// The smallest power of two at least `self` (1 for 0 or less).
    fileprivate var nextPowerOf2: Int {
        self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount)
    }
}
