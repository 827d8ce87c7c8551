package import Vitals

/// The keys of stored series by id, kept by a backend so that listing series (which every query does) decodes a
/// series' labels once, not on every query.
///
/// A series row never changes its kind, name or labels, and series are never deleted, so a remembered key stays
/// right whoever writes the database. Keys are never forgotten (a list that found a key remembered still finds
/// it); beyond ``capacity`` keys, new ones are not remembered and are read again when listed.
package final class SeriesKeyCache: Sendable {
    /// The most keys remembered.
    package static var capacity: Int { 100_000 }

    private let keys = LockedValue<[Int64: SeriesKey]>([:])

    package init() {}

    /// The ids among `ids` whose keys are not remembered.
    package func missing(_ ids: [Int64]) -> [Int64] {
        keys.withLock { keys in ids.filter { keys[$0] == nil } }
    }

    /// The series of `rows` (id and times, as listed), with their keys from `loaded` (read from the database for
    /// the ids ``missing(_:)`` named, and remembered here) or the cache. A row whose key is in neither is left out.
    package func series(
        _ rows: [(id: Int64, first: Int64, last: Int64)],
        loaded: [(id: Int64, key: SeriesKey)]
    )
        -> [SeriesInfo]
    {
        let loadedKeys = Dictionary(loaded.map { ($0.id, $0.key) }, uniquingKeysWith: { first, _ in first })
        return keys.withLock { keys in
            for (id, key) in loadedKeys where keys.count < Self.capacity { keys[id] = key }
            return rows.compactMap { row in
                guard let key = keys[row.id] ?? loadedKeys[row.id] else { return nil }
                return SeriesInfo(
                    id: row.id,
                    key: key,
                    firstSeen: Timestamp(nanosecondsSinceEpoch: row.first),
                    lastSeen: Timestamp(nanosecondsSinceEpoch: row.last)
                )
            }
        }
    }
}
