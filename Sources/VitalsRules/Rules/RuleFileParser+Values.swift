import Foundation
import Vitals
import Yams

/// Scalars, lists, durations and matchers of a rule file.
extension RuleFileParser {
    /// The text of a mapping key, which must be one of `allowed`.
    func keyName(
        _ key: Node,
        allowed: [String],
        context: String,
        code: RuleError.Code = .unknownKey,
        noun: String = "key"
    ) throws(RuleError) -> String {
        guard case .scalar(let scalar) = key else {
            throw error(
                .wrongType,
                at: key,
                "a \(noun) is not plain text; expected one of \(allowed.joined(separator: ", "))"
            )
        }
        let name = scalar.string
        guard allowed.contains(name) else {
            throw error(
                code,
                at: key,
                "unknown \(noun) \"\(name)\" \(context); expected one of \(allowed.joined(separator: ", "))"
                    + Suggestion.didYouMean(name, among: allowed)
            )
        }
        return name
    }

    /// A scalar's text (numbers and booleans as written).
    func string(_ node: Node, _ field: String) throws(RuleError) -> String {
        guard case .scalar(let scalar) = node else {
            throw error(.wrongType, at: node, "`\(field)` is a \(shape(node)); expected a single value (text)")
        }
        return scalar.string
    }

    /// `true` or `false`.
    func bool(_ node: Node, _ field: String) throws(RuleError) -> Bool {
        guard case .scalar = node, let value = node.bool else {
            throw error(.wrongType, at: node, "`\(field)` is not a boolean; expected true or false")
        }
        return value
    }

    /// One text or a list of texts.
    func stringList(_ node: Node, _ field: String) throws(RuleError) -> [String] {
        switch node {
        case .scalar(let scalar):
            return [scalar.string]
        case .sequence(let items):
            var result: [String] = []
            for item in items { result.append(try string(item, field)) }
            return result
        default:
            throw error(.wrongType, at: node, "`\(field)` is a \(shape(node)); expected a label name or a list of them")
        }
    }

    /// A duration such as `5m` or `30s` (``DurationText``: a bare number is seconds), in milliseconds.
    func duration(_ node: Node, _ field: String) throws(RuleError) -> Double {
        let text = try string(node, field).trimmingCharacters(in: .whitespaces)
        guard let milliseconds = DurationText.milliseconds(text) else {
            throw error(
                .badValue,
                at: node,
                "`\(field)` \"\(text)\" is not a duration; expected a \(DurationText.expected)"
            )
        }
        return milliseconds
    }

    func shape(_ node: Node) -> String {
        switch node {
        case .scalar: return "single value"
        case .mapping: return "mapping"
        case .sequence: return "list"
        case .alias: return "alias"
        }
    }

    /// The `match` mapping: exactly one of `event`/`gauge`, plus label matchers.
    func parseMatch(_ node: Node) throws(RuleError) -> (SeriesKind, LabelMatcher, [LabelMatcher]) {
        guard case .mapping(let mapping) = node else {
            throw error(
                .wrongType,
                at: node,
                "`match` is a \(shape(node)); expected a mapping such as {event: stage, stage: session}"
            )
        }
        var source: (SeriesKind, LabelMatcher)?
        var matchers: [LabelMatcher] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                throw error(.wrongType, at: key, "a `match` key is not plain text; expected a label name")
            }
            let matcher = try parseMatcher(key: scalar.string, value)
            if scalar.string == "event" || scalar.string == "gauge" {
                if source != nil {
                    throw error(
                        .badMatcher,
                        at: key,
                        "`match` names both an event and a gauge; expected exactly one of `event:` or `gauge:`"
                    )
                }
                source = (scalar.string == "event" ? .event : .gauge, matcher)
            } else {
                matchers.append(matcher)
            }
        }
        guard let (kind, nameMatcher) = source else {
            throw error(
                .missingKey,
                at: node,
                "`match` has no `event:` or `gauge:`; expected the event or gauge name, e.g. {event: llm_call}"
            )
        }
        return (kind, nameMatcher, matchers)
    }

    /// One matcher: a scalar (exact, or `~regex`, `!value`, `!~regex`), a list (one of), or a mapping with one of
    /// `equals`, `not`, `in`, `not_in`, `regex`, `not_regex`.
    func parseMatcher(key: String, _ node: Node) throws(RuleError) -> LabelMatcher {
        let operation: LabelMatcher.Operation
        switch node {
        case .scalar(let scalar):
            operation = Self.shorthand(scalar.string)
        case .sequence:
            operation = .oneOf(try stringList(node, key))
        case .mapping(let mapping):
            guard mapping.count == 1, let (opNode, argument) = mapping.first.map({ ($0.key, $0.value) }) else {
                throw error(
                    .badMatcher,
                    at: node,
                    "matcher for `\(key)` must have exactly one operator; expected e.g. {regex: \"llm_.*\"}"
                )
            }
            let allowed = ["equals", "not", "in", "not_in", "regex", "not_regex"]
            switch try keyName(
                opNode,
                allowed: allowed,
                context: "in the matcher for `\(key)`",
                code: .badMatcher,
                noun: "operator"
            ) {
            case "equals": operation = .equal(try string(argument, key))
            case "not": operation = .notEqual(try string(argument, key))
            case "in": operation = .oneOf(try stringList(argument, key))
            case "not_in": operation = .noneOf(try stringList(argument, key))
            case "regex": operation = .regex(try string(argument, key))
            default: operation = .notRegex(try string(argument, key))
            }
        case .alias:
            throw error(.badMatcher, at: node, "aliases are not supported in `match`; expected a value")
        }
        do {
            return try LabelMatcher(key: key, operation: operation)
        } catch {
            throw self.error(.badMatcher, at: node, "\(error.message); expected a Swift regular expression")
        }
    }

    /// `~re` is a regex, `!~re` a negated regex, `!v` a negation, anything else an exact value.
    static func shorthand(_ text: String) -> LabelMatcher.Operation {
        if text.hasPrefix("!~"), text.count > 2 { return .notRegex(String(text.dropFirst(2))) }
        if text.hasPrefix("~"), text.count > 1 { return .regex(String(text.dropFirst())) }
        if text.hasPrefix("!"), text.count > 1 { return .notEqual(String(text.dropFirst())) }
        return .equal(text)
    }
}
