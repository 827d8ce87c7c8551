import Vitals
import VitalsRules

/// Builders for records and helpers to evaluate rules over them.
enum TestData {
    static let base: Int64 = 1_750_000_000_000_000_000

    static func event(
        _ name: String,
        ms: Double,
        status: EventStatus = .ok,
        labels: Labels = [:],
        attributes: Attributes = [:],
        atSecond second: Double? = nil
    ) -> Record {
        var end: Timestamp?
        var start: Timestamp?
        if let second {
            end = Timestamp(nanosecondsSinceEpoch: base + Int64(second * 1e9))
            start = end!.adding(milliseconds: -ms)
        }
        return .event(
            Event(
                name: name,
                start: start,
                end: end,
                durationMilliseconds: ms,
                status: status,
                labels: labels,
                attributes: attributes
            )
        )
    }

    static func gauge(_ name: String, _ value: Double, labels: Labels = [:], atSecond second: Double? = nil) -> Record {
        .sample(
            Sample(
                name: name,
                value: value,
                timestamp: second.map { Timestamp(nanosecondsSinceEpoch: base + Int64($0 * 1e9)) },
                labels: labels
            )
        )
    }

    static func evaluate(_ rules: [Rule], _ records: [Record]) -> [RuleResult] {
        var evaluator = RuleEvaluator(rules: rules)
        for record in records { evaluator.add(record) }
        return evaluator.results()
    }

    static func evaluate(pack: String, _ records: [Record]) -> [RuleResult] {
        evaluate(RulePacks.pack(named: pack)!.rules, records)
    }

    static func rules(_ yaml: String) throws -> [Rule] {
        try RuleSet(yaml: yaml, file: "test.yml").rules
    }
}

extension [RuleResult] {
    /// The result of `rule` for the group whose label values are `group` (empty for rules without `by`).
    func result(_ rule: String, _ group: [String] = []) -> RuleResult? {
        first { $0.rule.name == rule && $0.group.map(\.value) == group }
    }
}
