/// The groups of one rule: one state without `by`, a table keyed by one label value for the common `by: [x]`
/// (hashing one string, no array per event), or by the array of values for several labels.
struct GroupTable: Sendable {
    private(set) var single: GroupState?
    private var byOne: [String: GroupState] = [:]
    private var byMany: [[String]: GroupState] = [:]
    let width: Int
    let needsSketch: Bool

    init(width: Int, needsSketch: Bool) {
        self.width = width
        self.needsSketch = needsSketch
    }

    /// Number of groups.
    var count: Int { width == 0 ? (single == nil ? 0 : 1) : width == 1 ? byOne.count : byMany.count }

    /// Applies `body` to the group of `values` (one per `by` label), creating it first; beyond `limit` groups a
    /// new group folds into the one whose every value is `__overflow__`.
    @inline(__always)
    mutating func update(_ values: [String], limit: Int, _ body: (inout GroupState) -> Void) {
        switch width {
        case 0:
            if single == nil { single = GroupState(needsSketch: needsSketch) }
            body(&single!)
        case 1:
            update(one: values[0], limit: limit, body)
        default:
            var key = values
            if byMany.count >= limit, byMany[key] == nil { key = Array(repeating: overflow, count: width) }
            body(&byMany[key, default: GroupState(needsSketch: needsSketch)])
        }
    }

    /// `update` for a rule grouped by exactly one label.
    @inline(__always)
    mutating func update(one value: String, limit: Int, _ body: (inout GroupState) -> Void) {
        var key = value
        if byOne.count >= limit, byOne[key] == nil { key = overflow }
        body(&byOne[key, default: GroupState(needsSketch: needsSketch)])
    }

    /// Adds every group of `other`.
    mutating func merge(_ other: GroupTable, limit: Int) {
        for (values, state) in other.groups { update(values, limit: limit) { $0.merge(state) } }
    }

    /// Every group with its label values, sorted by them.
    var groups: [(values: [String], state: GroupState)] {
        switch width {
        case 0: return single.map { [([], $0)] } ?? []
        case 1: return byOne.sorted { $0.key < $1.key }.map { ([$0.key], $0.value) }
        default:
            return byMany.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { ($0.key, $0.value) }
        }
    }

    private var overflow: String { "__overflow__" }
}
