package import Vitals

/// The series this store knows per name, and the per-name series limit.
///
/// The registry is filled from the database the first time a name is written, then kept up to date by the
/// writer after each commit, so the usual batch resolves its series without a query. Memory stays bounded:
/// at most ``limit`` series per name are remembered, plus one overflow series.
package struct SeriesRegistry: Sendable {
    private struct Name: Hashable, Sendable {
        var kind: SeriesKind
        var name: String
    }

    private var names: [Name: [Labels: Int64]] = [:]
    /// The series limit per name.
    package let limit: Int

    package init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Whether the series of this name have been loaded.
    package func isLoaded(kind: SeriesKind, name: String) -> Bool {
        names[Name(kind: kind, name: name)] != nil
    }

    /// Remembers the stored series of a name.
    package mutating func load(kind: SeriesKind, name: String, series: [(id: Int64, key: SeriesKey)]) {
        var known: [Labels: Int64] = [:]
        for entry in series { known[entry.key.labels] = entry.id }
        names[Name(kind: kind, name: name)] = known
    }

    /// The id of a known series.
    package func id(of key: SeriesKey) -> Int64? {
        names[Name(kind: key.kind, name: key.name)]?[key.labels]
    }

    /// How many regular (not overflow) series a name has.
    package func count(kind: SeriesKind, name: String) -> Int {
        guard let known = names[Name(kind: kind, name: name)] else { return 0 }
        let overflow = known[SeriesKey.overflow(kind: kind, name: name).labels] != nil
        return known.count - (overflow ? 1 : 0)
    }

    /// Remembers a series written by this store.
    package mutating func record(_ key: SeriesKey, id: Int64) {
        names[Name(kind: key.kind, name: key.name), default: [:]][key.labels] = id
    }

    /// Forgets everything (after a failed commit whose series may not exist).
    package mutating func forget(kind: SeriesKind, name: String) {
        names[Name(kind: kind, name: name)] = nil
    }
}

/// The series decisions of one write group: which new series fit under the limit and which are folded into
/// the overflow series of their name.
package struct SeriesAdmission {
    private struct Name: Hashable {
        var kind: SeriesKind
        var name: String
    }

    private let registry: SeriesRegistry
    private var admitted: [Name: Set<Labels>] = [:]

    package init(registry: SeriesRegistry) {
        self.registry = registry
    }

    /// The series `key`'s data goes to: itself when known or under the limit, else its name's overflow series.
    /// `isNew` says whether this call admitted a series the registry did not know.
    package mutating func resolve(_ key: SeriesKey) -> (key: SeriesKey, isNew: Bool) {
        if registry.id(of: key) != nil || key.isOverflow { return (key, false) }
        let name = Name(kind: key.kind, name: key.name)
        if admitted[name]?.contains(key.labels) == true { return (key, false) }
        let used = registry.count(kind: key.kind, name: key.name) + (admitted[name]?.count ?? 0)
        if used < registry.limit {
            admitted[name, default: []].insert(key.labels)
            return (key, true)
        }
        return (SeriesKey.overflow(kind: key.kind, name: key.name), false)
    }
}
