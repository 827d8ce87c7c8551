import Foundation
import Vitals
import Yams

/// Walks a rule file's YAML node tree and validates every key, keeping the line and column of each node so
/// that every problem is reported where it is.
struct RuleFileParser {
    static let topLevelKeys = ["name", "description", "rules"]
    static let ruleKeys = [
        "name", "description", "match", "by", "metric", "window", "thresholds", "blocking", "for",
        "keep_firing_for", "require_data", "recommendation",
    ]

    let yaml: String
    let file: String

    init(yaml: String, file: String) {
        self.yaml = yaml
        self.file = file
    }

    func parse() throws(RuleError) -> RuleSet {
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                throw error(.missingKey, at: nil, "the file is empty; expected a mapping with a `rules:` list")
            }
            root = composed
        } catch let failure as RuleError {
            throw failure
        } catch let failure as YamlError {
            throw syntaxError(failure)
        } catch {
            throw self.error(.yamlSyntax, at: nil, "invalid YAML (\(error)); expected a YAML mapping")
        }
        guard case .mapping(let top) = root else {
            throw error(
                .wrongType,
                at: root,
                "the file is not a mapping; expected `rules:` followed by a list of rules"
            )
        }
        var name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        var description: String?
        var rulesNode: Node?
        for (key, value) in top {
            switch try keyName(key, allowed: Self.topLevelKeys, context: "at the top of the file") {
            case "name": name = try string(value, "name")
            case "description": description = try string(value, "description")
            default: rulesNode = value
            }
        }
        guard let rulesNode else {
            throw error(.missingKey, at: root, "no `rules:` key; expected `rules:` followed by a list of rules")
        }
        guard case .sequence(let items) = rulesNode else {
            throw error(.wrongType, at: rulesNode, "`rules` is not a list; expected a list of rules (`- name: …`)")
        }
        var rules: [Rule] = []
        for item in items {
            rules.append(try parseRule(item))
        }
        let set = RuleSet(name: name, description: description, rules: rules, source: yaml)
        _ = try RuleSet.combined([set])
        return set
    }

    // MARK: One rule

    private func parseRule(_ node: Node) throws(RuleError) -> Rule {
        guard case .mapping(let mapping) = node else {
            throw error(.wrongType, at: node, "a rule is not a mapping; expected keys such as name, match, metric")
        }
        var fields: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            let name = try keyName(key, allowed: Self.ruleKeys, context: "in a rule")
            fields[name] = (key, value)
        }
        for required in ["name", "match", "metric", "thresholds"] where fields[required] == nil {
            let ruleName = fields["name"].flatMap { $0.value.string }.map { " \"\($0)\"" } ?? ""
            throw error(
                .missingKey,
                at: node,
                "rule\(ruleName) has no `\(required)` key; expected \(expectation(required))"
            )
        }
        let name = try string(fields["name"]!.value, "name")
        guard !name.isEmpty else {
            throw error(
                .badValue,
                at: fields["name"]!.value,
                "empty rule name; expected a name such as session-processing"
            )
        }
        let (source, nameMatcher, matchers) = try parseMatch(fields["match"]!.value)
        let metricNode = fields["metric"]!.value
        let metricText = try string(metricNode, "metric")
        guard let metric = Metric(parsing: metricText, gauge: source == .gauge) else {
            let names = source == .gauge ? Metric.gaugeNames : Metric.eventNames
            let other = Metric(parsing: metricText, gauge: source != .gauge) != nil
            let hint = other ? " (it is a metric of \(source == .gauge ? "events" : "gauges"))" : ""
            throw error(
                .unknownMetric,
                at: metricNode,
                "unknown metric \"\(metricText)\" for a\(source == .gauge ? " gauge" : "n event")\(hint); expected one of "
                    + names.joined(separator: ", ")
                    + Suggestion.didYouMean(
                        metricText,
                        among: names.filter { !$0.contains("NN") && !$0.contains("ATTR") }
                    )
            )
        }
        let gaugeName = source == .gauge ? nameMatcher.exactValue ?? "" : nil
        let kind = metric.kind(gaugeName: gaugeName)
        let thresholds = try parseThresholds(fields["thresholds"]!.value, kind: kind, metric: metric)
        var groupBy: [String] = []
        if let by = fields["by"]?.value { groupBy = try stringList(by, "by") }
        let location = RuleLocation(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
        return Rule(
            name: name,
            description: try fields["description"].map { pair throws(RuleError) in try string(pair.value, "description")
            },
            source: source,
            nameMatcher: nameMatcher,
            matchers: matchers,
            groupBy: groupBy,
            metric: metric,
            thresholds: thresholds,
            blocking: try fields["blocking"].map { pair throws(RuleError) in try bool(pair.value, "blocking") }
                ?? false,
            requireData: try fields["require_data"].map { pair throws(RuleError) in try bool(pair.value, "require_data")
            }
                ?? false,
            windowMilliseconds: try fields["window"].map { pair throws(RuleError) in try duration(pair.value, "window")
            },
            pendingMilliseconds: try fields["for"].map { pair throws(RuleError) in try duration(pair.value, "for") },
            keepFiringMilliseconds: try fields["keep_firing_for"].map { pair throws(RuleError) in
                try duration(pair.value, "keep_firing_for")
            },
            recommendation: try fields["recommendation"].map { pair throws(RuleError) in
                try string(pair.value, "recommendation")
            },
            location: location
        )
    }

    private func expectation(_ key: String) -> String {
        switch key {
        case "match": return "e.g. `match: {event: stage, stage: session}`"
        case "metric": return "e.g. `metric: p95`"
        case "thresholds": return "e.g. `thresholds: {critical: \"> 3s\"}`"
        default: return "e.g. `name: session-processing`"
        }
    }

    private func parseThresholds(
        _ node: Node,
        kind: ValueKind,
        metric: Metric
    ) throws(RuleError) -> [(severity: Severity, threshold: Threshold)] {
        guard case .mapping(let mapping) = node, !mapping.isEmpty else {
            throw error(
                .wrongType,
                at: node,
                "`thresholds` is not a mapping of severities; expected e.g. {medium: \"> 5%\", critical: \"> 20%\"}"
            )
        }
        var result: [(severity: Severity, threshold: Threshold)] = []
        for (key, value) in mapping {
            let severityName = try keyName(
                key,
                allowed: Severity.allCases.map(\.rawValue),
                context: "in thresholds",
                code: .badValue,
                noun: "severity"
            )
            let text = try string(value, "threshold")
            let threshold: Threshold
            do {
                threshold = try Threshold(parsing: text)
            } catch {
                throw self.error(error.isUnitError ? .badUnit : .badThreshold, at: value, error.message)
            }
            guard threshold.fits(kind) else {
                throw error(
                    .wrongKind,
                    at: value,
                    "threshold of the wrong kind: \"\(text)\" for metric \(metric), whose values are \(kindNoun(kind)); "
                        + "expected \(kind.expectation)"
                )
            }
            result.append((Severity(rawValue: severityName)!, threshold))
        }
        return result
    }

    private func kindNoun(_ kind: ValueKind) -> String {
        switch kind {
        case .duration: return "durations"
        case .ratio: return "ratios"
        case .bytes: return "sizes"
        case .count: return "counts"
        case .number: return "plain numbers (name the attribute with a unit suffix such as _ms or _mb for units)"
        }
    }

    // MARK: Errors

    func error(_ code: RuleError.Code, at node: Node?, _ message: String) -> RuleError {
        RuleError(
            code: code,
            file: file,
            line: node?.mark?.line ?? 1,
            column: node?.mark?.column ?? 1,
            message: message
        )
    }

    private func syntaxError(_ failure: YamlError) -> RuleError {
        switch failure {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let where_ = context.map { " (\($0.text) at \($0.mark.line):\($0.mark.column))" } ?? ""
            return RuleError(
                code: .yamlSyntax,
                file: file,
                line: mark.line,
                column: mark.column,
                message: "invalid YAML: \(problem)\(where_); expected a YAML mapping (quote thresholds: \"> 3s\")"
            )
        case .duplicatedKeysInMapping(let duplicates, let context):
            return RuleError(
                code: .yamlSyntax,
                file: file,
                line: context.mark.line,
                column: context.mark.column,
                message: "key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) appears twice in one mapping; "
                    + "expected each key once"
            )
        case .reader(let problem, let offset, _, _):
            let (line, column) = Self.lineAndColumn(of: offset ?? 0, in: yaml)
            return RuleError(
                code: .yamlSyntax,
                file: file,
                line: line,
                column: column,
                message: "unreadable text: \(problem); expected UTF-8 YAML"
            )
        default:
            return RuleError(code: .yamlSyntax, file: file, line: 1, column: 1, message: "invalid YAML: \(failure)")
        }
    }

    /// 1-based line and column of the `offset`-th character.
    static func lineAndColumn(of offset: Int, in text: String) -> (Int, Int) {
        var line = 1
        var column = 1
        for (index, character) in text.enumerated() {
            if index == offset { break }
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
