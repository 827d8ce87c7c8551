import Vitals

/// The result of `vitals compare`: one verdict per operation and the exit status that summarises them.
///
/// Exit status: 0 when nothing changed significantly, 1 when anything regressed (as `vitals check` exits 1 on a
/// violated contract), 4 when something improved and nothing regressed (2, bad input, is the caller's to
/// report, as for every subcommand).
///
/// ```swift
/// let report = ComparisonReport(baseline: old, current: new)
/// print(report.render(.text))
/// exit(report.exitStatus)
/// ```
public struct ComparisonReport: Sendable {
    /// Verdicts, sorted by operation name and group.
    public var operations: [OperationComparison]
    /// The rule that was applied.
    public var options: RegressionOptions

    /// Compares every operation found in either side.
    public init(baseline: DurationSampleSet, current: DurationSampleSet, options: RegressionOptions = .default) {
        let keys = Set(baseline.operations.keys).union(current.operations.keys).sorted()
        self.options = options
        operations = keys.map {
            OperationComparison(
                key: $0,
                baseline: baseline.operations[$0],
                current: current.operations[$0],
                options: options
            )
        }
    }

    /// Operations that regressed.
    public var regressions: [OperationComparison] { operations.filter { $0.verdict == .regressed } }
    /// Operations that improved.
    public var improvements: [OperationComparison] { operations.filter { $0.verdict == .improved } }

    /// 2 if anything regressed, else 4 if anything improved, else 0.
    public var exitStatus: Int32 {
        if !regressions.isEmpty { return 1 }
        if !improvements.isEmpty { return 4 }
        return 0
    }

    /// `2 regressed, 1 improved, 5 unchanged` and the like.
    public var verdict: String {
        if !regressions.isEmpty {
            return "regressed: \(regressions.map(\.name).joined(separator: ", "))"
        }
        if !improvements.isEmpty { return "improved: \(improvements.map(\.name).joined(separator: ", "))" }
        return "no significant change"
    }

    /// The report in one of the output formats.
    public func render(_ format: CompareFormat) -> String {
        switch format {
        case .text: return renderTable(markdown: false)
        case .markdown: return renderTable(markdown: true)
        case .json: return renderJSON()
        }
    }

    private func renderTable(markdown: Bool) -> String {
        let header = ["operation", "n base", "n current", "median", "p95", "ratio", "p-value", "verdict"]
        let rows: [[String]] = operations.map { item in
            [
                item.name,
                item.baseline.map { String($0.count) } ?? "-",
                item.current.map { String($0.count) } ?? "-",
                "\(Self.duration(item.baseline?.median)) → \(Self.duration(item.current?.median))",
                "\(Self.duration(item.baseline?.p95)) → \(Self.duration(item.current?.p95))",
                item.ratio.map { NumberText.format($0, decimals: 3) + "x" } ?? "-",
                item.test.map { Self.pValue($0.pValue) } ?? "-",
                item.verdict == .regressed || item.verdict == .improved
                    ? item.verdict.rawValue.uppercased() : item.verdict.rawValue,
            ]
        }
        let rule =
            "regression = p < \(NumberText.format(options.alpha, decimals: 4)) AND median +"
            + "\(NumberText.format(options.minimumRelativeChange * 100, decimals: 2))% AND median +"
            + "\(NumberText.format(options.minimumAbsoluteMilliseconds))ms"
        if markdown {
            var lines = ["## Comparison: \(verdict)", "", rule, ""]
            lines += TextTable.markdown(header: header, rows: rows)
            return lines.joined(separator: "\n") + "\n"
        }
        var lines = TextTable.lines(header: header, rows: rows, rightAligned: [1, 2, 5, 6])
        lines.append(rule)
        lines.append("verdict: \(verdict)")
        return lines.joined(separator: "\n") + "\n"
    }

    private func renderJSON() -> String {
        func statistics(_ value: DurationStatistics?) -> JSONValue {
            guard let value else { return .null }
            return .object([
                ("count", .number(Double(value.count))), ("median_ms", .number(value.median)),
                ("p95_ms", .number(value.p95)),
            ])
        }
        let object: JSONValue = .object([
            ("regressed", .bool(!regressions.isEmpty)),
            ("improved", .bool(!improvements.isEmpty)),
            ("verdict", .string(verdict)),
            (
                "options",
                .object([
                    ("alpha", .number(options.alpha)),
                    ("min_relative_change", .number(options.minimumRelativeChange)),
                    ("min_absolute_ms", .number(options.minimumAbsoluteMilliseconds)),
                ])
            ),
            (
                "operations",
                .array(
                    operations.map { item in
                        .object([
                            ("name", .string(item.key.name)),
                            ("group", .array(item.key.labelValues.map { .string($0) })),
                            ("baseline", statistics(item.baseline)),
                            ("current", statistics(item.current)),
                            ("ratio", .number(item.ratio)),
                            ("p_value", .number(item.test?.pValue)),
                            ("verdict", .string(item.verdict.rawValue)),
                        ])
                    }
                )
            ),
        ])
        return object.serialized() + "\n"
    }

    static func duration(_ value: Double?) -> String {
        value.map { NumberText.duration(milliseconds: $0) } ?? "-"
    }

    static func pValue(_ value: Double) -> String {
        if value < 0.0001 { return "<0.0001" }
        return NumberText.format(value, decimals: 4)
    }
}

/// An output format of `vitals compare`.
public enum CompareFormat: String, Sendable, CaseIterable {
    /// A padded table and the verdict.
    case text
    /// A Markdown table.
    case markdown
    /// An object with `operations`.
    case json
}
