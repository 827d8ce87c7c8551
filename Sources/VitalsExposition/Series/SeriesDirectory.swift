/// Which series a name and its label values count in, shared by the event and the gauge stores: series are
/// numbered in order of creation, each with its label block cached for rendering, under two limits that keep
/// memory bounded whatever clients send — series per name (the excess counts in the name's `overflow="true"`
/// series) and names (the excess counts in one `__other__` series).
struct SeriesDirectory: Sendable {
    let keys: LabelKeys
    /// The label that carries the name: `event` or `metric`.
    let nameLabel: String
    let seriesLimit: Int
    let nameLimit: Int

    private var index: [LabelValuesKey: Int] = [:]
    private var names: [String: NameEntry] = [:]
    /// The series of every name past `nameLimit`.
    private var otherNames: Int?
    /// Reused for every lookup so that a batch allocates only for the series it creates.
    private var scratch: LabelValuesKey

    /// Per series number, its labels as written in the exposition.
    private(set) var labelBlocks: [[UInt8]] = []

    private struct NameEntry {
        var regular = 0
        var overflow: Int?
    }

    init(keys: LabelKeys, nameLabel: String, seriesLimit: Int, nameLimit: Int) {
        self.keys = keys
        self.nameLabel = nameLabel
        self.seriesLimit = max(0, seriesLimit)
        self.nameLimit = max(0, nameLimit)
        scratch = LabelValuesKey(name: "", values: Array(repeating: "", count: keys.keys.count))
    }

    var count: Int { labelBlocks.count }

    /// The series of `name` with the label values `value` gives for each key; `isNew` when this call created it,
    /// and the caller must then append the series' storage.
    mutating func series(name: String, value: (String) -> String?) -> (number: Int, isNew: Bool) {
        let keys = keys.keys
        return series(name: name) { values in
            for position in keys.indices { values[position] = value(keys[position]) ?? "" }
        }
    }

    /// The series of `name` with the label values `fill` writes, one per key in order ("" when absent).
    mutating func series(name: String, fill: (inout [String]) -> Void) -> (number: Int, isNew: Bool) {
        scratch.name = name
        fill(&scratch.values)
        if let existing = index[scratch] { return (existing, false) }
        let before = count
        let number = newSeries()
        return (number, count > before)
    }

    /// The series for `scratch`, which has none yet: a new one while the name is under the limits, else an
    /// overflow series.
    private mutating func newSeries() -> Int {
        if names[scratch.name] == nil && names.count >= nameLimit {
            if let otherNames { return otherNames }
            let series = append([(nameLabel, ExpositionRegistry.otherNames), ("overflow", "true")])
            otherNames = series
            return series
        }
        var entry = names[scratch.name] ?? NameEntry()
        defer { names[scratch.name] = entry }
        if entry.regular < seriesLimit {
            entry.regular += 1
            var pairs: [(name: String, value: String)] = [(nameLabel, scratch.name)]
            for position in keys.names.indices { pairs.append((keys.names[position], scratch.values[position])) }
            let series = append(pairs)
            index[scratch] = series
            return series
        }
        if let overflow = entry.overflow { return overflow }
        let overflow = append([(nameLabel, scratch.name), ("overflow", "true")])
        entry.overflow = overflow
        return overflow
    }

    private mutating func append(_ labels: [(name: String, value: String)]) -> Int {
        labelBlocks.append(ExpositionWriter.labelBlock(labels))
        return labelBlocks.count - 1
    }
}
