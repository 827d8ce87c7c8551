import FoundationEssentials

/// The identity of a series: kind, name and the label values that separate it from its siblings.
///
/// The one series identity of every module: the store keys its buckets by it, and the rules, the alerts and
/// the query API name series with it.
///
/// Labels are kept sorted by key, so two events with the same label values in a different order land in the
/// same series. The labels are stored as canonical JSON text (sorted keys), which is also what makes a series
/// unique in the database.
///
/// ```swift
/// let key = SeriesKey(kind: .event, name: "llm_call", labels: ["model": "gpt-5-mini", "agent_id": "a1"])
/// print(key.labelsText)  // {"agent_id":"a1","model":"gpt-5-mini"}
/// ```
public struct SeriesKey: Sendable, Hashable, CustomStringConvertible {
    /// Events or gauge samples.
    public var kind: SeriesKind { didSet { hashValueCache = Self.hash(kind, name, labels) } }
    /// The event or gauge name.
    public var name: String { didSet { hashValueCache = Self.hash(kind, name, labels) } }
    /// The label values, sorted by key.
    public private(set) var labels: Labels
    /// The hash of kind, name and labels, computed once: a key is looked up in several tables on its way to the
    /// database (a batch's series, the registry, a commit's group), and hashing long label values each time was
    /// the largest cost of ingesting many series.
    private var hashValueCache: Int

    /// Creates a key; labels are sorted by key.
    public init(kind: SeriesKind, name: String, labels: Labels) {
        self.init(kind: kind, name: name, sortedLabels: labels.sortedByKey())
    }

    /// A key whose labels are already sorted by key (the identity extractor builds them in order).
    package init(kind: SeriesKind, name: String, sortedLabels: Labels) {
        self.kind = kind
        self.name = name
        self.labels = sortedLabels
        self.hashValueCache = Self.hash(kind, name, sortedLabels)
    }

    private static func hash(_ kind: SeriesKind, _ name: String, _ labels: Labels) -> Int {
        var hasher = Hasher()
        hasher.combine(kind)
        hasher.combine(name)
        hasher.combine(labels)
        return hasher.finalize()
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(hashValueCache)
    }

    public static func == (lhs: SeriesKey, rhs: SeriesKey) -> Bool {
        lhs.hashValueCache == rhs.hashValueCache && lhs.kind == rhs.kind && lhs.name == rhs.name
            && lhs.labels == rhs.labels
    }

    /// The label keys a series is split by unless configured otherwise: the identity labels (`service`,
    /// `agent_id`, `agent_name`, `agent_domain`, `worker_id`) plus `model`, `provider`, `tool`, `phase`, `route`,
    /// `status`, `stage` and `tier` (DESIGN.md, "Which attributes become labels"). The store and the Prometheus
    /// exposition both start from this list.
    ///
    /// `stage` and `tier` are there for the built-in packs: the `pipeline` pack's contracts select `stage` events by
    /// their `stage`, the `tool-tiers` pack's rules select `tool_call` events by their `tier`. Both take a handful
    /// of values, so they cost few series.
    public static let defaultLabelKeys: [String] =
        WireKey.identityLabels + [
            WireKey.model, WireKey.provider, WireKey.tool, WireKey.phase, WireKey.route, WireKey.status,
            WireKey.stage, WireKey.tier,
        ]

    /// The label that marks the series holding everything past a name's series limit.
    public static let overflowLabel = "__overflow__"

    /// The series that collects the events of `name` beyond the series limit.
    public static func overflow(kind: SeriesKind, name: String) -> SeriesKey {
        SeriesKey(kind: kind, name: name, sortedLabels: [overflowLabel: "true"])
    }

    /// Whether this is the overflow series of its name.
    public var isOverflow: Bool { labels[Self.overflowLabel] != nil }

    /// The labels as canonical JSON: an object with sorted keys, no whitespace.
    public var labelsText: String { Self.encode(labels) }

    public var description: String {
        labels.isEmpty ? name : "\(name)\(labelsText)"
    }

    /// Canonical JSON of sorted labels.
    package static func encode(_ labels: Labels) -> String {
        var dictionary: [String: String] = [:]
        for element in labels { dictionary[element.key] = element.value }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(dictionary) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension KeyValueList {
    /// The same entries ordered by key.
    package func sortedByKey() -> KeyValueList {
        var sorted = KeyValueList()
        sorted.reserveCapacity(count)
        for element in elements.sorted(by: { $0.key < $1.key }) {
            sorted.appendUnchecked(key: element.key, value: element.value)
        }
        return sorted
    }
}
