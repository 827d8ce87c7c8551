import Vitals

/// What each label or attribute key means to the store, looked up once per key of an event: which series
/// label slot it fills, whether the raw detail may leave it out, whether it is summed per bucket.
///
/// One lookup per key replaces the three or four set and dictionary lookups that series identity, the raw
/// detail and the attribute sums would each make, which matters at hundreds of thousands of events a second.
package struct EventKeyRoles: Sendable {
    package struct Role: Sendable {
        /// The slot in ``SeriesIdentity/labelKeys`` the key fills, or -1.
        package var slot: Int
        /// A label with this key is a series label and is left out of the raw detail.
        package var omittedAsLabel: Bool
        /// A string attribute with this key is a series label and is left out of the raw detail (unless a label
        /// of the same key exists).
        package var omittedAsAttribute: Bool
        /// A numeric attribute with this key is summed per bucket, at this position of ``additiveKeys`` (or -1).
        package var additiveIndex: Int
    }

    private let roles: [String: Role]
    /// The summed attribute keys, in the order of ``Role/additiveIndex``.
    package let additiveKeys: [String]

    package init(identity: SeriesIdentity, omitted: RawEventCodec.OmittedKeys, additiveAttributes: Set<String>) {
        var roles: [String: Role] = [:]
        let additiveKeys = additiveAttributes.sorted()
        self.additiveKeys = additiveKeys
        let keys = Set(identity.labelKeys).union(omitted.labels).union(omitted.attributes).union(additiveAttributes)
        for key in keys {
            roles[key] = Role(
                slot: identity.labelKeys.firstIndex(of: key) ?? -1,
                omittedAsLabel: omitted.labels.contains(key),
                omittedAsAttribute: omitted.attributes.contains(key),
                additiveIndex: additiveKeys.firstIndex(of: key) ?? -1
            )
        }
        self.roles = roles
    }

    /// The role of a key, `nil` for keys the store treats as plain data.
    @inline(__always)
    package func role(of key: String) -> Role? { roles[key] }
}
