extension EventSummary {
    /// The summary as text: an operations table, the slowest and failed events, usage by model and tool,
    /// and gauges. Sections with nothing to show are left out.
    public func renderText() -> String {
        var output = ""
        let groupColumns = options.groupBy.map { $0.uppercased() }
        var rows: [[String]] = [
            ["OPERATION"] + groupColumns + ["COUNT", "ERRORS", "TOTAL", "AVG", "MIN", "MAX", "P50", "P95", "P99"]
        ]
        for (key, aggregate) in sortedOperations {
            let sketch = aggregate.durations
            rows.append(
                [key.name] + key.labelValues.map { $0.isEmpty ? "-" : $0 } + [
                    String(aggregate.count),
                    String(aggregate.errors),
                    TextFormatting.milliseconds(sketch.sum),
                    TextFormatting.milliseconds(sketch.mean ?? 0),
                    TextFormatting.milliseconds(sketch.min ?? 0),
                    TextFormatting.milliseconds(sketch.max ?? 0),
                    TextFormatting.milliseconds(sketch.quantile(0.5) ?? 0),
                    TextFormatting.milliseconds(sketch.quantile(0.95) ?? 0),
                    TextFormatting.milliseconds(sketch.quantile(0.99) ?? 0),
                ]
            )
        }
        let firstNumeric = 1 + groupColumns.count
        output += TextTable.render(rows, rightAligned: Set(firstNumeric..<(firstNumeric + 9)))

        let slowest = self.slowest
        if !slowest.isEmpty {
            output += "\nSlowest events:\n"
            output += TextTable.render(
                slowest.map { reference in
                    [
                        TextFormatting.milliseconds(reference.durationMilliseconds), reference.name, reference.detail,
                        "\(reference.file):\(reference.line)",
                    ]
                },
                rightAligned: [0],
                indent: "  "
            )
        }
        if failedCount > 0 {
            let shown = failed.count < failedCount ? " (first \(failed.count) shown)" : ""
            output += "\nFailed events: \(failedCount)\(shown)\n"
            output += TextTable.render(
                failed.map { reference in
                    [
                        reference.status.rawValue, reference.name, reference.error ?? "", reference.detail,
                        "\(reference.file):\(reference.line)",
                    ]
                },
                rightAligned: [],
                indent: "  "
            )
        }
        if !models.isEmpty {
            output += "\nBy model:\n"
            // The streaming columns only when some call was streamed, so that other summaries keep their shape.
            let streamed = models.values.contains { $0.streamedCalls > 0 }
            var header = ["MODEL", "CALLS", "ERRORS", "PROMPT_TOKENS", "COMPLETION_TOKENS", "TOTAL_TOKENS", "COST_USD"]
            if streamed { header += ["TTFT_AVG", "TOKENS/S"] }
            var modelRows = [header]
            for (model, totals) in models.sorted(by: { $0.key < $1.key }) {
                var row = [
                    model, String(totals.calls), String(totals.errors),
                    TextFormatting.fixed(totals.promptTokens, decimals: 0),
                    TextFormatting.fixed(totals.completionTokens, decimals: 0),
                    TextFormatting.fixed(totals.totalTokens, decimals: 0),
                    totals.hasCost ? TextFormatting.fixed(totals.costUSD, decimals: 4) : "-",
                ]
                if streamed {
                    row.append(totals.averageTimeToFirstToken.map(TextFormatting.milliseconds) ?? "-")
                    row.append(totals.averageTokensPerSecond.map { TextFormatting.fixed($0, decimals: 1) } ?? "-")
                }
                modelRows.append(row)
            }
            output += TextTable.render(modelRows, rightAligned: Set(1..<header.count), indent: "  ")
        }
        if !tools.isEmpty {
            output += "\nBy tool:\n"
            var toolRows = [["TOOL", "CALLS", "ERRORS", "TOTAL", "AVG"]]
            for (tool, totals) in tools.sorted(by: { $0.key < $1.key }) {
                toolRows.append([
                    tool, String(totals.calls), String(totals.errors),
                    TextFormatting.milliseconds(totals.totalMilliseconds),
                    TextFormatting.milliseconds(totals.totalMilliseconds / Double(max(totals.calls, 1))),
                ])
            }
            output += TextTable.render(toolRows, rightAligned: Set(1...4), indent: "  ")
        }
        if !gauges.isEmpty {
            output += "\nGauges:\n"
            var gaugeRows = [["METRIC", "SAMPLES", "LAST", "MIN", "MAX", "AVG"]]
            for (name, gauge) in gauges.sorted(by: { $0.key < $1.key }) {
                gaugeRows.append([
                    name, String(gauge.count), AttributeValue.format(gauge.last), AttributeValue.format(gauge.min),
                    AttributeValue.format(gauge.max), TextFormatting.fixed(gauge.mean ?? 0, decimals: 2),
                ])
            }
            output += TextTable.render(gaugeRows, rightAligned: Set(1...5), indent: "  ")
        }
        return output
    }

    /// The summary as JSON: a stable contract for scripts.
    ///
    /// Top level: `events`, `samples`, `operations` (array of `name`, `count`, `errors`, `timeouts`,
    /// `error_rate`, `total_ms`, `avg_ms`, `min_ms`, `max_ms`, `p50_ms`, `p95_ms`, `p99_ms`, and `labels` when
    /// grouped with `--by`), `slowest`, `failed` (`total` and `events`), `by_model` (with `ttft_ms_avg` and
    /// `tokens_per_s_avg` of streamed calls, `null` without any), `by_tool`, `gauges`.
    public func renderJSON() -> String {
        func number(_ value: Double?) -> String {
            guard let value else { return "null" }
            return JSONText.number((value * 1000).rounded() / 1000)
        }
        func reference(_ reference: EventReference) -> String {
            var fields = [
                "\"name\":\(JSONText.quoted(reference.name))",
                "\"duration_ms\":\(number(reference.durationMilliseconds))",
                "\"status\":\(JSONText.quoted(reference.status.rawValue))",
            ]
            if let error = reference.error { fields.append("\"error\":\(JSONText.quoted(error))") }
            fields.append("\"detail\":\(JSONText.quoted(reference.detail))")
            fields.append("\"file\":\(JSONText.quoted(reference.file))")
            fields.append("\"line\":\(reference.line)")
            return "{" + fields.joined(separator: ",") + "}"
        }
        var operationObjects: [String] = []
        for (key, aggregate) in sortedOperations {
            let sketch = aggregate.durations
            var fields = ["\"name\":\(JSONText.quoted(key.name))"]
            if !options.groupBy.isEmpty {
                let labels = zip(options.groupBy, key.labelValues).map {
                    "\(JSONText.quoted($0)):\(JSONText.quoted($1))"
                }
                fields.append("\"labels\":{" + labels.joined(separator: ",") + "}")
            }
            fields += [
                "\"count\":\(aggregate.count)", "\"errors\":\(aggregate.errors)", "\"timeouts\":\(aggregate.timeouts)",
                "\"error_rate\":\(number(aggregate.errorRate))", "\"total_ms\":\(number(sketch.sum))",
                "\"avg_ms\":\(number(sketch.mean))", "\"min_ms\":\(number(sketch.min))",
                "\"max_ms\":\(number(sketch.max))", "\"p50_ms\":\(number(sketch.quantile(0.5)))",
                "\"p95_ms\":\(number(sketch.quantile(0.95)))", "\"p99_ms\":\(number(sketch.quantile(0.99)))",
            ]
            operationObjects.append("{" + fields.joined(separator: ",") + "}")
        }
        func usage(_ key: String, _ name: String, _ totals: UsageTotals) -> String {
            var fields = [
                "\(JSONText.quoted(key)):\(JSONText.quoted(name))", "\"calls\":\(totals.calls)",
                "\"errors\":\(totals.errors)", "\"total_ms\":\(number(totals.totalMilliseconds))",
                "\"prompt_tokens\":\(number(totals.promptTokens))",
                "\"completion_tokens\":\(number(totals.completionTokens))",
                "\"total_tokens\":\(number(totals.totalTokens))",
            ]
            fields.append("\"cost_usd\":" + (totals.hasCost ? JSONText.number(totals.costUSD) : "null"))
            if key == "model" {
                fields.append("\"ttft_ms_avg\":\(number(totals.averageTimeToFirstToken))")
                fields.append("\"tokens_per_s_avg\":\(number(totals.averageTokensPerSecond))")
            }
            return "{" + fields.joined(separator: ",") + "}"
        }
        let modelObjects = models.sorted { $0.key < $1.key }.map { usage("model", $0.key, $0.value) }
        let toolObjects = tools.sorted { $0.key < $1.key }.map { usage("tool", $0.key, $0.value) }
        let gaugeObjects = gauges.sorted { $0.key < $1.key }.map { name, gauge in
            "{\"name\":\(JSONText.quoted(name)),\"samples\":\(gauge.count),\"last\":\(number(gauge.last)),"
                + "\"min\":\(number(gauge.min)),\"max\":\(number(gauge.max)),\"avg\":\(number(gauge.mean))}"
        }
        return "{\"events\":\(eventCount),\"samples\":\(sampleCount),"
            + "\"operations\":[\(operationObjects.joined(separator: ","))],"
            + "\"slowest\":[\(slowest.map(reference).joined(separator: ","))],"
            + "\"failed\":{\"total\":\(failedCount),\"events\":[\(failed.map(reference).joined(separator: ","))]},"
            + "\"by_model\":[\(modelObjects.joined(separator: ","))],"
            + "\"by_tool\":[\(toolObjects.joined(separator: ","))],"
            + "\"gauges\":[\(gaugeObjects.joined(separator: ","))]}"
    }
}
