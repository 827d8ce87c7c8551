import Vitals

extension CheckReport {
    /// One block per violation, then the counts, the rules without data and the verdict line.
    func renderText() -> String {
        var lines: [String] = []
        lines.append("vitals check: \(eventCount) events, \(sampleCount) gauge samples")
        for violation in violations {
            let rule = violation.rule
            var line = "VIOLATION \(violation.severity?.rawValue ?? "-")"
            if violation.isBlocking { line += " (blocking)" }
            line += ": \(rule.name)"
            if !violation.group.isEmpty { line += " [\(violation.groupText)]" }
            line += ": \(rule.metric) = \(violation.valueText)"
            if let threshold = violation.threshold { line += ", threshold \(threshold)" }
            lines.append(line)
            if let note = violation.note { lines.append("    note: \(note)") }
            if let description = rule.description { lines.append("    \(description)") }
            if let recommendation = rule.recommendation { lines.append("    recommendation: \(recommendation)") }
        }
        lines.append(countsLine)
        let noData = noDataRules
        if !noData.isEmpty { lines.append("no data: \(noData.joined(separator: ", "))") }
        lines.append("verdict: \(verdict)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A verdict heading, a violations table and a table of every result.
    func renderMarkdown() -> String {
        var lines: [String] = []
        lines.append("## Performance contracts: \(passed ? "✅" : "❌") \(verdict)")
        lines.append("")
        lines.append("\(countsLine); \(eventCount) events, \(sampleCount) gauge samples.")
        lines.append("")
        if !violations.isEmpty {
            lines.append("### Violations")
            lines.append("")
            let header = ["severity", "blocking", "rule", "group", "value", "threshold", "recommendation"]
            lines += TextTable.markdown(
                header: header,
                rows: violations.map { violation in
                    [
                        violation.severity?.rawValue ?? "-", violation.isBlocking ? "yes" : "no", violation.rule.name,
                        violation.groupText, violation.valueText, violation.threshold?.text ?? "-",
                        violation.rule.recommendation ?? "",
                    ]
                }
            )
            lines.append("")
        }
        lines.append("### All rules")
        lines.append("")
        lines += TextTable.markdown(
            header: ["rule", "group", "metric", "value", "thresholds", "status"],
            rows: results.map { result in
                let status =
                    result.status == .violated ? "❌ \(result.severity?.rawValue ?? "")" : result.status.rawValue
                return [
                    result.rule.name, result.groupText, result.rule.metric.description, result.valueText,
                    result.thresholdsText, status,
                ]
            }
        )
        return lines.joined(separator: "\n") + "\n"
    }

    /// `passed`, `verdict`, counts, `violations` and every result.
    func renderJSON() -> String {
        let object: JSONValue = .object([
            ("passed", .bool(passed)),
            ("verdict", .string(verdict)),
            ("events", .number(Double(eventCount))),
            ("samples", .number(Double(sampleCount))),
            ("violations", .array(violations.map(Self.json))),
            ("results", .array(results.map(Self.json))),
        ])
        return object.serialized() + "\n"
    }

    static func json(_ result: RuleResult) -> JSONValue {
        .object([
            ("rule", .string(result.rule.name)),
            ("status", .string(result.status.rawValue)),
            ("severity", .string(result.severity?.rawValue)),
            ("blocking", .bool(result.status == .violated ? result.rule.blocking : false)),
            ("group", .object(result.group.map { ($0.key, .string($0.value)) })),
            ("metric", .string(result.rule.metric.description)),
            ("value", .number(result.value)),
            ("value_text", .string(result.valueText)),
            ("threshold", .string(result.threshold?.text)),
            ("thresholds", .object(result.rule.thresholds.map { ($0.severity.rawValue, .string($0.threshold.text)) })),
            ("description", .string(result.rule.description)),
            ("recommendation", .string(result.rule.recommendation)),
            ("note", .string(result.note)),
        ])
    }

    /// JUnit XML: one test suite per rule file or pack, one test case per rule and group; violations are
    /// failures (type = severity), rules without data are skipped.
    func renderJUnit() -> String {
        var suites: [(name: String, results: [RuleResult])] = []
        for result in results {
            let name = result.rule.location.file
            if let index = suites.firstIndex(where: { $0.name == name }) {
                suites[index].results.append(result)
            } else {
                suites.append((name, [result]))
            }
        }
        let failures = results.filter { $0.status == .violated }.count
        let skipped = results.filter { $0.status == .noData }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"vitals check\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"0\""
        xml += " skipped=\"\(skipped)\">\n"
        for suite in suites {
            let suiteFailures = suite.results.filter { $0.status == .violated }.count
            let suiteSkipped = suite.results.filter { $0.status == .noData }.count
            xml += "  <testsuite name=\"\(Markup.escape(suite.name))\" tests=\"\(suite.results.count)\""
            xml += " failures=\"\(suiteFailures)\" errors=\"0\" skipped=\"\(suiteSkipped)\">\n"
            for result in suite.results {
                let caseName = result.rule.name + (result.group.isEmpty ? "" : " [\(result.groupText)]")
                xml += "    <testcase classname=\"\(Markup.escape("vitals." + suite.name))\""
                xml += " name=\"\(Markup.escape(caseName))\" time=\"0\""
                switch result.status {
                case .passed:
                    xml += "/>\n"
                case .noData:
                    xml += ">\n      <skipped message=\"no data\"/>\n    </testcase>\n"
                case .violated:
                    let message =
                        "\(result.rule.metric) = \(result.valueText), threshold \(result.threshold?.text ?? "-")"
                        + (result.rule.blocking ? " (blocking)" : "")
                    var body = message
                    if let note = result.note { body += "\n" + note }
                    if let description = result.rule.description { body += "\n" + description }
                    if let recommendation = result.rule.recommendation { body += "\nRecommendation: " + recommendation }
                    xml += ">\n      <failure message=\"\(Markup.escape(message))\""
                    xml += " type=\"\(result.severity?.rawValue ?? "violation")\">"
                    xml += Markup.escape(body) + "</failure>\n    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }
}
