import Foundation

/// A named list of rules read from one YAML file or built-in pack.
///
/// The file format:
///
/// ```yaml
/// name: my-contracts                 # optional
/// description: What these rules are for.   # optional
/// rules:
///   - name: session-processing       # required, unique
///     description: One session must finish in 3 s.
///     match: {event: stage, stage: session}   # `event:` or `gauge:`, plus label/attribute matchers
///     by: [session_id]               # optional: evaluate per group
///     metric: max                    # see `Metric`
///     thresholds: {high: "> 2s", critical: "> 3s"}   # warn, medium, high, critical; the violating condition
///     blocking: true                 # optional, default false: a violation blocks production
///     require_data: false            # optional, default false: no matching data is a violation
///     window: 5m                     # optional: over stored data; files are evaluated whole
///     for: 2m                        # optional: how long before a live alert fires
///     recommendation: Profile the slowest session first.
/// ```
///
/// Thresholds must be quoted in YAML (a leading `>` is YAML syntax). See `LabelMatcher` for matchers and
/// `ValueKind` for which units fit which metric.
public struct RuleSet: Sendable, Hashable {
    /// The set's name: the `name` key, else the pack name or the file name.
    public var name: String
    /// The `description` key.
    public var description: String?
    /// The rules in file order.
    public var rules: [Rule]
    /// The YAML text the set was read from.
    public var source: String

    /// Creates a set from rules built in code.
    public init(name: String, description: String? = nil, rules: [Rule], source: String = "") {
        self.name = name
        self.description = description
        self.rules = rules
        self.source = source
    }

    /// Reads and validates a rule file's text.
    ///
    /// ```swift
    /// let set = try RuleSet(yaml: text, file: "rules.yml")
    /// ```
    ///
    /// - Parameters:
    ///   - yaml: The file's contents.
    ///   - file: The name errors are reported under.
    /// - Throws: `RuleError` naming file, line and column of the first problem.
    public init(yaml: String, file: String) throws(RuleError) {
        self = try RuleFileParser(yaml: yaml, file: file).parse()
    }

    /// Reads and validates a rule file of at most ``maximumFileBytes``.
    ///
    /// - Throws: `RuleError` when the file cannot be read, is too large or is not a valid rule file.
    public init(contentsOfFile path: String) throws(RuleError) {
        try self.init(yaml: Self.readFile(path), file: path)
    }

    /// A built-in pack by name, or the rule file at that path.
    ///
    /// A name with no `/` and no `.yml`/`.yaml` extension that is not a file is looked up among the packs.
    ///
    /// - Throws: `RuleError` for an unknown pack, an unreadable file or an invalid rule file.
    public static func resolve(_ nameOrPath: String) throws(RuleError) -> RuleSet {
        if let pack = RulePacks.pack(named: nameOrPath), !FileManager.default.fileExists(atPath: nameOrPath) {
            return pack
        }
        let looksLikePath =
            nameOrPath.contains("/") || nameOrPath.hasSuffix(".yml") || nameOrPath.hasSuffix(".yaml")
            || FileManager.default.fileExists(atPath: nameOrPath)
        guard looksLikePath else {
            throw RuleError(
                code: .unknownPack,
                file: nameOrPath,
                line: 0,
                column: 0,
                message:
                    "no rule file or built-in pack of this name; expected a YAML file or one of "
                    + RulePacks.names.joined(separator: ", ")
                    + Suggestion.didYouMean(nameOrPath, among: RulePacks.names)
            )
        }
        return try RuleSet(contentsOfFile: nameOrPath)
    }

    /// Joins sets evaluated together, rejecting a rule name used twice.
    ///
    /// - Throws: `RuleError` (`duplicateName`) at the second rule of a name.
    public static func combined(_ sets: [RuleSet]) throws(RuleError) -> [Rule] {
        var seen: [String: Rule] = [:]
        var rules: [Rule] = []
        for set in sets {
            for rule in set.rules {
                if let first = seen[rule.name] {
                    throw RuleError(
                        code: .duplicateName,
                        file: rule.location.file,
                        line: rule.location.line,
                        column: rule.location.column,
                        message:
                            "duplicate rule name \"\(rule.name)\" (first defined at \(first.location)); "
                            + "expected every rule evaluated together to have its own name"
                    )
                }
                seen[rule.name] = rule
                rules.append(rule)
            }
        }
        return rules
    }
}
