import Foundation

/// The condition that violates a rule at one severity: `"> 3s"` is violated by values above 3 seconds.
///
/// Written as `OPERATOR NUMBER[UNIT]`: operators `>`, `>=`, `<`, `<=`, `==`, `!=`; units `ns`, `µs`/`us`,
/// `ms`, `s`, `m`, `h`, `%`, `B`, `KB`, `MB`, `GB` (sizes are binary: 1 KB = 1024 B). The number is kept in the
/// canonical unit of its kind (milliseconds, fraction, bytes) so comparisons are exact for exact inputs.
///
/// ```swift
/// let limit = try Threshold(parsing: "> 3s")
/// limit.isViolated(by: 3_001)   // true: 3.001 s in milliseconds
/// ```
public struct Threshold: Sendable, Hashable, CustomStringConvertible {
    /// How the observed value is compared with the limit.
    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        /// Above the limit violates.
        case greater = ">"
        /// At or above the limit violates.
        case greaterOrEqual = ">="
        /// Below the limit violates.
        case less = "<"
        /// At or below the limit violates.
        case lessOrEqual = "<="
        /// Exactly the limit violates.
        case equal = "=="
        /// Anything but the limit violates (invariants: `"!= 6"`).
        case notEqual = "!="
    }

    /// The comparison that violates.
    public var comparison: Comparison
    /// The limit in the canonical unit of its kind (ms, fraction, bytes, plain number).
    public var value: Double
    /// The unit it was written with, `nil` for a plain number.
    public var unit: ThresholdUnit?
    /// The threshold as written, trimmed (`"> 3s"`).
    public var text: String

    /// Reads a threshold.
    ///
    /// - Throws: `ThresholdSyntaxError` when the text is not `OPERATOR NUMBER[UNIT]`.
    public init(parsing text: String) throws(ThresholdSyntaxError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var rest = Substring(trimmed)
        var found: Comparison?
        for candidate in [Comparison.greaterOrEqual, .lessOrEqual, .equal, .notEqual, .greater, .less]
        where rest.hasPrefix(candidate.rawValue) {
            found = candidate
            rest = rest.dropFirst(candidate.rawValue.count)
            break
        }
        guard let comparison = found else {
            throw ThresholdSyntaxError(
                isUnitError: false,
                message:
                    "threshold \"\(trimmed)\" has no operator; expected one of >, >=, <, <=, ==, != "
                    + "followed by a number and an optional unit, e.g. \"> 3s\""
            )
        }
        rest = rest.drop(while: { $0 == " " })
        let numberEnd =
            rest.firstIndex(where: { !($0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E") })
            ?? rest.endIndex
        var numberText = rest[..<numberEnd]
        // "5e" would swallow nothing useful; give back a trailing exponent letter so "5e" is not read as 5.
        while let last = numberText.last, last == "e" || last == "E" { numberText = numberText.dropLast() }
        let unitText = rest[numberText.endIndex...].trimmingCharacters(in: .whitespaces)
        guard let number = Double(numberText), number.isFinite else {
            throw ThresholdSyntaxError(
                isUnitError: false,
                message:
                    "threshold \"\(trimmed)\" has no number after \"\(comparison.rawValue)\"; expected e.g. \"> 3s\""
            )
        }
        var unit: ThresholdUnit?
        if !unitText.isEmpty {
            guard let known = ThresholdUnit(spelling: unitText) else {
                throw ThresholdSyntaxError(
                    isUnitError: true,
                    message:
                        "unknown unit \"\(unitText)\" in threshold \"\(trimmed)\"; expected one of ns, µs, us, ms, s, m, h, "
                        + "%, B, KB, MB, GB\(Suggestion.didYouMean(unitText, among: ThresholdUnit.allCases.map(\.rawValue)))"
                )
            }
            unit = known
        }
        self.comparison = comparison
        self.unit = unit
        self.value = unit?.scale.toCanonical(number) ?? number
        self.text = "\(comparison.rawValue) \(numberText)\(unit.map { _ in unitText } ?? "")"
    }

    /// Creates a threshold from its parts; `value` is in the canonical unit of `unit`'s kind.
    public init(_ comparison: Comparison, _ value: Double, unit: ThresholdUnit? = nil) {
        self.comparison = comparison
        self.value = value
        self.unit = unit
        let shown =
            unit.map { NumberText.format($0.scale.fromCanonical(value)) + $0.rawValue } ?? NumberText.format(value)
        self.text = "\(comparison.rawValue) \(shown)"
    }

    /// Whether `observed` (in the canonical unit) meets the violating condition.
    public func isViolated(by observed: Double) -> Bool {
        switch comparison {
        case .greater: return observed > value
        case .greaterOrEqual: return observed >= value
        case .less: return observed < value
        case .lessOrEqual: return observed <= value
        case .equal: return observed == value
        case .notEqual: return observed != value
        }
    }

    /// Whether the threshold's unit can be compared with values of `kind`.
    func fits(_ kind: ValueKind) -> Bool {
        switch (kind, unit?.kind, unit) {
        case (.duration, .duration, _), (.bytes, .bytes, _): return true
        case (.ratio, nil, _), (.number, nil, _): return true  // plain number or percentage
        case (.count, nil, nil): return true
        default: return false
        }
    }

    /// Formats a canonical value in this threshold's unit, so value and limit read alike (`3.2s` vs `> 3s`).
    func format(_ observed: Double, kind: ValueKind) -> String {
        if let unit { return unit.format(observed) }
        if kind == .ratio || kind == .count || kind == .number { return NumberText.format(observed, decimals: 4) }
        return NumberText.value(observed, kind: kind)
    }

    /// How far past the limit `observed` is, as a fraction of the limit (0.2 = 20 % beyond); 0 when not past.
    func excess(of observed: Double) -> Double {
        guard value != 0 else { return observed == value ? 0 : 1 }
        switch comparison {
        case .greater, .greaterOrEqual: return max(0, (observed - value) / abs(value))
        case .less, .lessOrEqual: return max(0, (value - observed) / abs(value))
        case .equal, .notEqual: return abs(observed - value) / abs(value)
        }
    }

    public var description: String { text }
}

/// A threshold whose text could not be read.
public struct ThresholdSyntaxError: Error, Sendable, CustomStringConvertible {
    /// Whether the operator and number were fine and only the unit is unknown.
    public var isUnitError: Bool
    /// What was wrong and what was expected.
    public var message: String
    public var description: String { message }
}
