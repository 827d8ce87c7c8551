/// A small ordered list of unique keys with values: the labels or attributes of one event.
///
/// Events have a handful of keys, so a flat array beats a hash table: it is cheaper to build, keeps the order
/// a line was written in, and looks keys up by a short linear scan.
///
/// ```swift
/// var attributes: Attributes = ["model": "gpt-5-mini", "prompt_tokens": 1234]
/// attributes["phase"] = "initial"
/// print(attributes["model"]?.stringValue ?? "-")  // gpt-5-mini
/// ```
public struct KeyValueList<Value: Sendable & Hashable>: Sendable, Hashable, RandomAccessCollection {
    /// One key and its value.
    public struct Element: Sendable, Hashable {
        public var key: String
        public var value: Value

        @inlinable
        public init(key: String, value: Value) {
            self.key = key
            self.value = value
        }
    }

    /// The entries in insertion order; keys are unique.
    @inlinable public var elements: [Element] { storage }

    // Inlinable (with the members below) so that callers in other modules get versions specialised for
    // their value type: the generic ones cost about a microsecond for a two-entry literal.
    @usableFromInline var storage: [Element]

    /// An empty list.
    @inlinable
    public init() { self.storage = [] }

    /// A list of the given entries; a later duplicate key replaces the earlier value in place.
    @inlinable
    public init(_ pairs: some Sequence<(String, Value)>) {
        self.storage = []
        for (key, value) in pairs { self[key] = value }
    }

    @inlinable public var startIndex: Int { storage.startIndex }
    @inlinable public var endIndex: Int { storage.endIndex }
    @inlinable public subscript(position: Int) -> Element { storage[position] }

    /// The value for `key`; setting `nil` removes the key, setting a value replaces it in place or appends it.
    @inlinable
    public subscript(key: String) -> Value? {
        get {
            // Comparing lengths first makes a miss cheap: String's == does not check counts before bytes.
            let length = key.utf8.count
            for element in storage where element.key.utf8.count == length && element.key == key {
                return element.value
            }
            return nil
        }
        set {
            if let index = storage.firstIndex(where: { $0.key == key }) {
                if let newValue {
                    storage[index].value = newValue
                } else {
                    storage.remove(at: index)
                }
            } else if let newValue {
                storage.append(Element(key: key, value: newValue))
            }
        }
    }

    /// Appends without checking for an existing key; for decoders that have already checked.
    package mutating func appendUnchecked(key: String, value: Value) {
        storage.append(Element(key: key, value: value))
    }

    /// Removes every entry; with `keepingCapacity`, the storage stays for the next entries (decoders that
    /// reuse one event per line).
    package mutating func removeAll(keepingCapacity: Bool) {
        storage.removeAll(keepingCapacity: keepingCapacity)
    }

    /// Reserves room for `count` entries.
    @inlinable
    public mutating func reserveCapacity(_ count: Int) { storage.reserveCapacity(count) }
}

extension KeyValueList: ExpressibleByDictionaryLiteral {
    @inlinable
    public init(dictionaryLiteral pairs: (String, Value)...) {
        self.init(pairs)
    }
}

/// The identity labels of an event (`service`, `agent_id`, …) or the labels of a gauge sample.
public typealias Labels = KeyValueList<String>

/// The attributes of an event (`model`, `tool`, `prompt_tokens`, …).
public typealias Attributes = KeyValueList<AttributeValue>
