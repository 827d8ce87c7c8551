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
