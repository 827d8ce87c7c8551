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
        var json = JSONWriter(capacity: 512 * (sortedOperations.count + slowest.count + failed.count) + 256)
        json.beginObject()
        json.integer("events", eventCount)
        json.integer("samples", sampleCount)
        json.beginArray("operations")
        for (key, aggregate) in sortedOperations {
            let sketch = aggregate.durations
            json.beginObject()
            json.string("name", key.name)
            if !options.groupBy.isEmpty {
                json.beginObject("labels")
                for (label, value) in zip(options.groupBy, key.labelValues) { json.string(label, value) }
                json.endObject()
            }
            json.integer("count", aggregate.count)
            json.integer("errors", aggregate.errors)
            json.integer("timeouts", aggregate.timeouts)
            json.rounded("error_rate", aggregate.errorRate)
            json.rounded("total_ms", sketch.sum)
            json.rounded("avg_ms", sketch.mean)
            json.rounded("min_ms", sketch.min)
            json.rounded("max_ms", sketch.max)
            json.rounded("p50_ms", sketch.quantile(0.5))
            json.rounded("p95_ms", sketch.quantile(0.95))
            json.rounded("p99_ms", sketch.quantile(0.99))
            json.endObject()
        }
        json.endArray()
        json.beginArray("slowest")
        for event in slowest { json.reference(event) }
        json.endArray()
        json.beginObject("failed")
        json.integer("total", failedCount)
        json.beginArray("events")
        for event in failed { json.reference(event) }
        json.endArray()
        json.endObject()
        json.beginArray("by_model")
        for (name, totals) in models.sorted(by: { $0.key < $1.key }) { json.usage("model", name, totals) }
        json.endArray()
        json.beginArray("by_tool")
        for (name, totals) in tools.sorted(by: { $0.key < $1.key }) { json.usage("tool", name, totals) }
        json.endArray()
        json.beginArray("gauges")
        for (name, gauge) in gauges.sorted(by: { $0.key < $1.key }) {
            json.beginObject()
            json.string("name", name)
            json.integer("samples", gauge.count)
            json.rounded("last", gauge.last)
            json.rounded("min", gauge.min)
            json.rounded("max", gauge.max)
            json.rounded("avg", gauge.mean)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.text
    }
}

extension JSONWriter {
    /// A number rounded to three decimals (a microsecond, for milliseconds), or `null`, as the summary writes them.
    fileprivate mutating func rounded(_ key: String, _ value: Double?) {
        number(key, value.map { ($0 * 1000).rounded() / 1000 })
    }

    fileprivate mutating func reference(_ reference: EventSummary.EventReference) {
        beginObject()
        string("name", reference.name)
        rounded("duration_ms", reference.durationMilliseconds)
        string("status", reference.status.rawValue)
        if let error = reference.error { string("error", error) }
        string("detail", reference.detail)
        string("file", reference.file)
        integer("line", reference.line)
        endObject()
    }

    fileprivate mutating func usage(_ key: String, _ name: String, _ totals: UsageTotals) {
        beginObject()
        string(key, name)
        integer("calls", totals.calls)
        integer("errors", totals.errors)
        rounded("total_ms", totals.totalMilliseconds)
        rounded("prompt_tokens", totals.promptTokens)
        rounded("completion_tokens", totals.completionTokens)
        rounded("total_tokens", totals.totalTokens)
        number("cost_usd", totals.hasCost ? totals.costUSD : nil)
        if key == "model" {
            rounded("ttft_ms_avg", totals.averageTimeToFirstToken)
            rounded("tokens_per_s_avg", totals.averageTokensPerSecond)
        }
        endObject()
    }
}
