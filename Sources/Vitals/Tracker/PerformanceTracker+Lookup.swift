import Synchronization

extension PerformanceTracker {
    /// The storage of an operation, creating the operation when it is new.
    ///
    /// The common case (an operation seen before) hashes the key's UTF-8 bytes and probes the current table
    /// without taking a lock or touching a reference count.
    @inline(__always)
    func core(_ name: String) -> SeriesCore {
        SeriesKeyBytes.withUTF8(name) { bytes in
            let hash = SeriesKeyBytes.hash(name: bytes)
            if let core = index.find(hash: hash, where: { $0.keyEquals(bytes) }) {
                return core
            }
            return insert(name, labels: Labels(), hash: hash)
        }
    }

    /// The storage of an operation with labels, creating the operation when it is new.
    func core(_ name: String, labels: Labels) -> SeriesCore {
        if labels.isEmpty { return core(name) }
        let hash = SeriesKeyBytes.hash(name: name, labels: labels)
        if let core = index.find(hash: hash, where: { Self.matches($0, name, labels) }) {
            return core
        }
        return insert(name, labels: labels, hash: hash)
    }

    /// The storage of an operation, or nil when it was never created.
    func existingCore(_ name: String, labels: Labels) -> SeriesCore? {
        let hash = SeriesKeyBytes.hash(name: name, labels: labels)
        return index.find(hash: hash, where: { Self.matches($0, name, labels) })
    }

    /// The current table; readers may keep using it after a newer one is published.
    @inline(__always)
    var index: SeriesIndex {
        SeriesIndex(address: currentIndex.load(ordering: .acquiring))!
    }

    /// Whether `core` is the operation `name` with `labels`.
    ///
    /// Keys compare by their UTF-8 bytes, not by `String`'s canonical equivalence, so that lookups with and
    /// without labels agree with each other and with the hash: `"é"` composed and decomposed are two operations.
    static func matches(_ core: SeriesCore, _ name: String, _ labels: Labels) -> Bool {
        SeriesKeyBytes.matches(core.keyBytes, count: core.keyCount, name: name, labels: labels)
    }

    /// Creates the operation unless another thread just did, growing the table when it gets half full.
    @inline(never)
    func insert(_ name: String, labels: Labels, hash: UInt64) -> SeriesCore {
        registry.withLock { registry in
            var index = self.index
            if let core = index.find(hash: hash, where: { Self.matches($0, name, labels) }) {
                return core
            }
            let series = OperationSeries(name: name, labels: labels, hash: hash)
            registry.series.append(series)
            if registry.series.count * 2 > index.capacity {
                index = SeriesIndex.allocate(capacity: index.capacity * 2)
                for existing in registry.series { index.insert(existing.core) }
                registry.indexes.append(index)
                currentIndex.store(index.address, ordering: .releasing)
            } else {
                index.insert(series.core)
            }
            return series.core
        }
    }
}
