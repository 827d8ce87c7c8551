import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VitalsAlerting
import VitalsTestSupport

@testable import VitalsServer

/// `docs/grafana/vitals-dashboard.json` against a live server's `/metrics`: every metric a query or a variable names
/// is a family the server emits, and every label it filters or groups by is one those families carry.
@Suite("Grafana dashboard", .timeLimit(.minutes(2)))
struct GrafanaDashboardTests {
    static let dashboardPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/grafana/vitals-dashboard.json").path

    /// PromQL's functions, aggregations and keywords: the identifiers of an expression that are not metric names.
    static let promQLWords: Set<String> = [
        "sum", "min", "max", "avg", "count", "topk", "bottomk", "quantile", "stddev", "stdvar", "group", "rate",
        "irate", "increase", "delta", "idelta", "deriv", "histogram_quantile", "clamp_min", "clamp_max", "abs",
        "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
        "label_values", "time", "vector", "scalar", "sort", "sort_desc", "max_over_time", "avg_over_time",
        "min_over_time", "sum_over_time",
    ]

    /// One query's metric names and the label names it filters or groups by.
    struct Query {
        var metrics: Set<String> = []
        var labels: Set<String> = []

        init(_ expression: String) {
            var text = expression
            // Grafana's variables and quoted values say nothing about names; durations neither.
            text = text.replacingOccurrences(of: #""(\\.|[^"\\])*""#, with: "\"\"", options: .regularExpression)
            text = text.replacingOccurrences(of: #"\[[^\]]*\]"#, with: "", options: .regularExpression)
            for match in Self.matches(#"([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)"#, in: text) {
                labels.insert(match[1])
            }
            text = text.replacingOccurrences(of: #"\{[^}]*\}"#, with: "", options: .regularExpression)
            for match in Self.matches(#"\b(by|without|on|ignoring)\s*\(([^)]*)\)"#, in: text) {
                for label in match[2].split(separator: ",") {
                    labels.insert(label.trimmingCharacters(in: .whitespaces))
                }
            }
            text = text.replacingOccurrences(
                of: #"\b(by|without|on|ignoring)\s*\([^)]*\)"#,
                with: "",
                options: .regularExpression
            )
            if let values = Self.matches(
                #"label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*,\s*([A-Za-z_]+)\s*\)"#,
                in: text
            )
            .first {
                metrics.insert(values[1])
                labels.insert(values[2])
                return
            }
            for match in Self.matches(#"\$?[A-Za-z_:][A-Za-z0-9_:]*"#, in: text) {
                let word = match[0]
                if word.hasPrefix("$") || GrafanaDashboardTests.promQLWords.contains(word) { continue }
                metrics.insert(word)
            }
        }

        static func matches(_ pattern: String, in text: String) -> [[String]] {
            let expression = try! NSRegularExpression(pattern: pattern)
            let range = NSRange(text.startIndex..., in: text)
            return expression.matches(in: text, range: range).map { result in
                (0..<result.numberOfRanges).map { index in
                    Range(result.range(at: index), in: text).map { String(text[$0]) } ?? ""
                }
            }
        }
    }

    /// Every expression of the dashboard: panel targets (rows included) and variable queries.
    static func expressions(_ dashboard: [String: Any]) -> [String] {
        var found: [String] = []
        func panels(_ list: [[String: Any]]) {
            for panel in list {
                for target in panel["targets"] as? [[String: Any]] ?? [] {
                    if let expression = target["expr"] as? String { found.append(expression) }
                }
                panels(panel["panels"] as? [[String: Any]] ?? [])
            }
        }
        panels(dashboard["panels"] as? [[String: Any]] ?? [])
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        for variable in variables where variable["type"] as? String == "query" {
            if let query = (variable["query"] as? [String: Any])?["query"] as? String { found.append(query) }
        }
        return found
    }

    /// Sample name → the label names its samples carry, from an exposition text.
    static func families(_ exposition: String) -> [String: Set<String>] {
        var families: [String: Set<String>] = [:]
        for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            var labels = families[name, default: []]
            if let open = line.firstIndex(of: "{") {
                for match in Query.matches(#"([A-Za-z_][A-Za-z0-9_]*)="#, in: String(line[open...])) {
                    labels.insert(match[1])
                }
            }
            families[name] = labels
        }
        return families
    }

    static let rules = """
        rules:
          - name: agent-errors
            match: {event: llm_call}
            by: agent_id
            metric: error_rate
            thresholds: {critical: "> 10%"}
        """

    @Test("every query names families and labels that /metrics emits")
    func queriesNameEmittedFamilies() async throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.dashboardPath))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let expressions = Self.expressions(dashboard)
        #expect(expressions.count >= 20)

        let fixture = try await ServerFixture(alertingRules: Self.rules)
        let alerting = try #require(fixture.alerting)
        let exposition = try await fixture.test(.live) { client in
            let failing = (0..<10).map { index in
                "{\"event\":\"llm_call\",\"ts\":\"\(Recent.time(seconds: Double(index)))\",\"duration_ms\":900,"
                    + "\"status\":\"error\",\"service\":\"bot\",\"agent_id\":\"a9\",\"model\":\"m1\","
                    + "\"prompt_tokens\":10,\"completion_tokens\":2,\"cost_usd\":0.5}"
            }
            let body = [
                llmCalls(20), failing.joined(separator: "\n"),
                #"{"metric":"queue_depth","value":3,"service":"bot","agent_id":"a1"}"#,
            ]
            #expect(try await client.post("/v1/events", body.joined(separator: "\n")).status == .ok)
            _ = try await client.post("/v1/events", "not json")
            await alerting.tick()
            return try await client.get("/metrics").text
        }
        let families = Self.families(exposition)
        for expression in expressions {
            let query = Query(expression)
            #expect(!query.metrics.isEmpty, "no metric in \(expression)")
            var carried: Set<String> = []
            for metric in query.metrics {
                #expect(families[metric] != nil, "\(metric) is not in /metrics (query: \(expression))")
                carried.formUnion(families[metric] ?? [])
            }
            for label in query.labels {
                #expect(
                    carried.contains(label),
                    "no sample of \(query.metrics.sorted()) has label \(label) (query: \(expression))"
                )
            }
        }
    }

    @Test(
        "every panel query is valid PromQL (promtool check rules)",
        .enabled(
            if: MetricsEndpointTests.promtool != nil,
            "promtool is not installed (Debian package prometheus); scripts/test installs it"
        )
    )
    func queriesParse() async throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.dashboardPath))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        // Grafana fills its variables in before Prometheus sees a query; label_values() is Grafana's, not PromQL.
        let queries = Self.expressions(dashboard).filter { !$0.hasPrefix("label_values(") }.map { expression in
            expression.replacingOccurrences(of: "$__rate_interval", with: "5m")
                .replacingOccurrences(of: #"\$[a-z_]+"#, with: ".*", options: .regularExpression)
        }
        let rules = queries.enumerated().map { index, query in
            "      - record: vitals:dashboard_query_\(index)\n        expr: '\(query.replacingOccurrences(of: "'", with: "''"))'"
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vitals-grafana-\(UUID().uuidString).yml"
        )
        try ("groups:\n  - name: dashboard\n    rules:\n" + rules.joined(separator: "\n") + "\n")
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await ChildProcess.run(
            URL(fileURLWithPath: try #require(MetricsEndpointTests.promtool)),
            ["check", "rules", file.path],
            timeLimit: .seconds(120)
        )
        #expect(result.status == 0, "promtool: \(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("SUCCESS: \(queries.count) rules found"), "\(result.stdout)")
    }
}
