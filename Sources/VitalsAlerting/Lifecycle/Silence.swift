import Foundation
public import Vitals
import VitalsRules

/// A silence: alerts whose labels match all its matchers send no notification between its start and end.
/// The shape is Alertmanager's (API v2), so its tools and habits carry over.
public struct Silence: Sendable, Hashable, Codable {
    /// Unique identity.
    public var id: String
    /// Conditions on the alert's labels (`alertname`, `severity`, group labels); all must hold.
    public var matchers: [SilenceMatcher]
    /// When it starts.
    public var startsAt: Timestamp
    /// When it ends.
    public var endsAt: Timestamp
    /// Who created it.
    public var createdBy: String
    /// Why.
    public var comment: String

    /// Creates a silence.
    public init(
        id: String,
        matchers: [SilenceMatcher],
        startsAt: Timestamp,
        endsAt: Timestamp,
        createdBy: String,
        comment: String
    ) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
    }

    /// Whether it is in force at `now`.
    public func isActive(at now: Timestamp) -> Bool { startsAt <= now && now < endsAt }

    /// Whether it silences an alert with `labels` at `now`.
    public func silences(_ labels: [String: String], at now: Timestamp) -> Bool {
        isActive(at: now) && matchers.allSatisfy { $0.matches(labels[$0.name]) }
    }

    /// Checks the silence: at least one matcher, names not empty, valid patterns, an end after the start.
    public func validate() throws(AlertingError) {
        guard !matchers.isEmpty else { throw AlertingError("a silence needs at least one matcher") }
        for matcher in matchers {
            guard !matcher.name.isEmpty else { throw AlertingError("a silence matcher has an empty name") }
            if matcher.isRegex {
                do {
                    _ = try LabelMatcher(key: matcher.name, operation: .regex(matcher.value))
                } catch {
                    throw AlertingError("matcher \(matcher.name): \(error)")
                }
            }
        }
        guard endsAt > startsAt else { throw AlertingError("a silence must end after it starts") }
    }
}

/// One condition of a silence, as Alertmanager writes it.
public struct SilenceMatcher: Sendable, Hashable, Codable {
    /// The label.
    public let name: String
    /// The value or pattern (whole-value match).
    public let value: String
    /// Whether `value` is a pattern.
    public let isRegex: Bool
    /// Whether the label must match (`true`) or must not (`false`).
    public let isEqual: Bool
    /// The compiled condition; `nil` for a pattern that does not compile (it then matches nothing).
    private let matcher: LabelMatcher?

    /// Creates a matcher.
    public init(name: String, value: String, isRegex: Bool = false, isEqual: Bool = true) {
        self.name = name
        self.value = value
        self.isRegex = isRegex
        self.isEqual = isEqual
        let operation: LabelMatcher.Operation =
            switch (isRegex, isEqual) {
            case (false, true): .equal(value)
            case (false, false): .notEqual(value)
            case (true, true): .regex(value)
            case (true, false): .notRegex(value)
            }
        matcher = try? LabelMatcher(key: name, operation: operation)
    }

    /// Reads `name=value`, `name!=value`, `name=~pattern` or `name!~pattern`.
    public init?(parsing text: String) {
        for (symbol, isRegex, isEqual) in [
            ("=~", true, true), ("!~", true, false), ("!=", false, false), ("=", false, true),
        ] {
            guard let range = text.range(of: symbol) else { continue }
            let name = String(text[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { return nil }
            self.init(name: name, value: String(text[range.upperBound...]), isRegex: isRegex, isEqual: isEqual)
            return
        }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name),
            value: try container.decode(String.self, forKey: .value),
            isRegex: try container.decode(Bool.self, forKey: .isRegex),
            isEqual: try container.decode(Bool.self, forKey: .isEqual)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(value, forKey: .value)
        try container.encode(isRegex, forKey: .isRegex)
        try container.encode(isEqual, forKey: .isEqual)
    }

    private enum CodingKeys: String, CodingKey { case name, value, isRegex, isEqual }

    public static func == (lhs: SilenceMatcher, rhs: SilenceMatcher) -> Bool {
        lhs.name == rhs.name && lhs.value == rhs.value && lhs.isRegex == rhs.isRegex && lhs.isEqual == rhs.isEqual
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(value)
        hasher.combine(isRegex)
        hasher.combine(isEqual)
    }

    /// Whether a label value (`nil` when absent, read as empty) satisfies the matcher.
    public func matches(_ label: String?) -> Bool {
        matcher?.matches(label) ?? false
    }
}

/// A problem with alerting input: a silence, an acknowledgement or the configuration.
public struct AlertingError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
