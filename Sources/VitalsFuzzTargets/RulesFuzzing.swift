import Vitals
import VitalsRules

/// The checks of the `rules` fuzz target on one rule file.
enum RulesFuzzing {
    /// A few events and samples of the kinds rules usually match.
    private static let records: [Record] = {
        let time = Timestamp(nanosecondsSinceEpoch: 1_767_225_600_000_000_000)
        var records: [Record] = []
        for index in 0..<6 {
            var event = Event(
                name: index % 2 == 0 ? "llm_call" : "tool_call",
                durationMilliseconds: Double(index * 250),
                labels: ["agent_id": "a\(index % 3)"],
                attributes: ["model": .string("m\(index % 2)"), "cost_usd": .double(0.25), "total_tokens": .int(100)]
            )
            event.end = time
            event.status = index == 3 ? .error : .ok
            records.append(.event(event))
            records.append(.sample(Sample(name: "queue_depth", value: Double(index), labels: ["agent_id": "a1"])))
        }
        return records
    }()

    /// Parses `input` as a rule file; rules it accepts are evaluated and their results must name their rules.
    static func file(_ input: UnsafeRawBufferPointer) {
        let text = String(decoding: input, as: UTF8.self)
        let set: RuleSet
        do {
            set = try RuleSet(yaml: text, file: "fuzz.yml")
        } catch {
            precondition(error.description.hasPrefix("fuzz.yml"), "a rule error that does not name its file")
            return
        }
        let rules: [Rule]
        do {
            rules = try RuleSet.combined([set])
        } catch {
            return
        }
        var evaluator = RuleEvaluator(rules: rules)
        for record in records { evaluator.add(record) }
        let names = Set(rules.map(\.name))
        for result in evaluator.results() {
            precondition(names.contains(result.rule.name), "a result for a rule that was not given")
        }
    }
}
