import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Vitals
import VitalsAlerting
import VitalsDashboard

@testable import VitalsServer

/// The dashboard's pages and live stream against a real server over a real SQLite file.
@Suite("Dashboard")
struct DashboardTests {
    /// An event name that would run as a script if any page forgot to escape it.
    static let hostileName = "<script>alert(1)</script>"

    /// 100 `llm_call` (1…100 ms, every tenth failed, with tokens and cost), 40 `tool_call`, 3 of the hostile name.
    static var events: String {
        var lines: [String] = []
        for index in 0..<100 {
            let failed = index % 10 == 0 ? ",\"status\":\"error\",\"error\":\"rate <b>limited</b>\"" : ""
            lines.append(
                "{\"event\":\"llm_call\",\"ts\":\"\(Recent.time(seconds: Double(index)))\",\"duration_ms\":\(index + 1),"
                    + "\"model\":\"m\(index % 2)\",\"prompt_tokens\":10,\"completion_tokens\":5,\"cost_usd\":0.01\(failed)}"
            )
        }
        for index in 0..<40 {
            lines.append(
                "{\"event\":\"tool_call\",\"ts\":\"\(Recent.time(seconds: Double(index)))\",\"duration_ms\":\(200 + index),"
                    + "\"tool\":\"search\"}"
            )
        }
        for index in 0..<3 {
            lines.append(
                "{\"event\":\"\(hostileName.replacingOccurrences(of: "/", with: "\\/"))\",\"ts\":\"\(Recent.time(seconds: Double(index)))\","
                    + "\"duration_ms\":5,\"model\":\"<img src=x onerror=alert(2)>\"}"
            )
        }
        return lines.joined(separator: "\n")
    }

    static func loaded(
        _ setup: TestingSetup = .router,
        configure: @escaping (inout ServerConfiguration) -> Void = { _ in },
        _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let fixture = try await ServerFixture(configure)
        try await fixture.test(setup) { client in
            let json = try await client.post("/v1/events", events).json
            #expect(json["accepted"] as? Int == 143)
            try await test(client)
        }
    }

    /// The `/v1/stats` figures of one event name, formatted as the pages show them.
    static func statsFigures(_ client: any TestClientProtocol, _ name: String) async throws -> [String] {
        let encoded = HTML.urlComponent(name)
        let json = try await client.get("/v1/stats?event=\(encoded)&window=1h").json
        let group = try #require((json["series"] as? [[String: Any]])?.first)
        return [
            Format.count(UInt64(group["count"] as? Int ?? -1)),
            Format.milliseconds(group["p50_ms"] as? Double),
            Format.milliseconds(group["p95_ms"] as? Double),
            Format.milliseconds(group["p99_ms"] as? Double),
        ]
    }

    @Test("the overview shows the window's events, errors, rate, tokens and cost, and the top operations")
    func overview() async throws {
        try await Self.loaded { client in
            let response = try await client.get("/?window=1h")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let page = response.text
            #expect(page.contains("data-live=\"count\">143<"))
            #expect(page.contains("data-live=\"errors\">10<"))
            #expect(page.contains("data-live=\"error_rate\">\(Format.percent(10.0 / 143))<"))
            #expect(page.contains("data-live=\"events_per_s\">\(Format.rate(143.0 / 3_600))<"))
            // 1,500 tokens and $1 in the hour.
            #expect(page.contains("data-live=\"tokens_per_h\">1,500<"))
            #expect(page.contains("data-live=\"cost_per_h\">$1.00<"))
            #expect(page.contains("alerting is not configured"))
            #expect(page.contains("href=\"/operations/llm_call?window=1h\""))
            #expect(page.contains("aria-current=\"true\" title=\"last hour\">1h<"))
            #expect(!page.contains("http://") && !page.contains("https://"), "the page fetches nothing from outside")
            let other = try await client.get("/?window=15m").text
            #expect(other.contains("aria-current=\"true\" title=\"last 15 minutes\">15m<"))
        }
    }

    @Test("the operations table: every name with the same count and quantiles as /v1/stats, sortable, sparklines")
    func operations() async throws {
        try await Self.loaded { client in
            let page = try await client.get("/operations?window=1h").text
            for name in ["llm_call", "tool_call"] {
                let row = try #require(
                    page.components(separatedBy: "<tr>").first { $0.contains(">\(name)</a>") },
                    "no row for \(name)"
                )
                for figure in try await Self.statsFigures(client, name) {
                    #expect(row.contains("<td>\(figure)</td>"), "\(name): \(figure) missing from \(row)")
                }
                #expect(row.contains("<svg class=\"spark\""))
            }
            #expect(page.contains("10 (10.0 %)"), "llm_call's errors with their rate in words")
            // Busiest first by default; by p95 the slow tool calls lead.
            let byCount = try #require(page.range(of: ">llm_call<")?.lowerBound)
            #expect(byCount < (page.range(of: ">tool_call<")?.lowerBound ?? page.startIndex))
            let byP95 = try await client.get("/operations?window=1h&sort=p95").text
            #expect(byP95.contains("aria-sort=\"descending\""))
            let toolFirst = try #require(byP95.range(of: ">tool_call<")?.lowerBound)
            #expect(toolFirst < (byP95.range(of: ">llm_call<")?.lowerBound ?? byP95.startIndex))
        }
    }

    @Test("one operation: figures as /v1/stats, charts, group-by, slowest and failed events")
    func operation() async throws {
        try await Self.loaded { client in
            let response = try await client.get("/operations/llm_call?window=1h&by=model")
            #expect(response.status == .ok)
            let page = response.text
            for figure in try await Self.statsFigures(client, "llm_call") {
                #expect(page.contains(">\(figure)</div>"), "\(figure) missing")
            }
            #expect(page.contains("<figcaption>Latency quantiles</figcaption>"))
            #expect(page.contains("<figcaption>Errors per step</figcaption>"))
            // Two models of 50 events each.
            #expect(page.contains("<tr><td>m0</td><td>50</td>") && page.contains("<tr><td>m1</td><td>50</td>"))
            // The slowest first: 100 ms; the failures carry their (escaped) error text and a status word.
            #expect(page.contains("<h2>Slowest events</h2>"))
            #expect(page.contains("<td>\(Format.milliseconds(100))</td>"))
            #expect(page.contains("✗ error</td>"))
            #expect(page.contains("rate &lt;b&gt;limited&lt;/b&gt;"))
        }
    }

    @Test("names, label values and parameters are escaped on every page")
    func escaping() async throws {
        try await Self.loaded { client in
            let encoded = HTML.urlComponent(Self.hostileName)
            for uri in ["/?window=1h", "/operations?window=1h", "/operations/\(encoded)?window=1h&by=model"] {
                let response = try await client.get(uri)
                #expect(response.status == .ok, "\(uri)")
                let page = response.text
                #expect(!page.contains("<script>alert"), "\(uri) carries the name unescaped")
                #expect(!page.contains("<img src=x"), "\(uri) carries a label value unescaped")
                #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(uri)")
            }
            let error = try await client.get("/?window=%3Cscript%3Ealert(3)%3C/script%3E")
            #expect(error.status == .badRequest)
            #expect(error.text.contains("window=&lt;script&gt;alert(3)"))
        }
    }

    @Test("hostile parameters get a 400 page that says what was expected")
    func hostileParameters() async throws {
        try await Self.loaded { client in
            let cases: [(String, String)] = [
                ("/?window=absurd", "window=absurd: expected one of 15m, 1h, 6h, 24h, 7d, 30d"),
                ("/?window=999999999999999d", "window=999999999999999d: expected one of"),
                ("/?colour=red", "colour: not a parameter of this page; expected window"),
                ("/operations?sort=sideways", "sort=sideways: expected one of name, count"),
                ("/operations/llm_call?by=nope", "by=nope: expected one of the label keys"),
                ("/operations/" + String(repeating: "x", count: 300), "bytes long; expected 1 to 256"),
                ("/operations/" + String(repeating: "%41", count: 5_000), "too long"),
                ("/operations/%ZZ", "not valid percent-encoding"),
            ]
            for (uri, message) in cases {
                let response = try await client.get(uri)
                #expect(response.status == .badRequest, "\(uri.prefix(80))")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.text.contains(message), "\(uri.prefix(80)): \(response.text.suffix(400))")
            }
            let stream = try await client.get("/v1/stream?window=2h")
            #expect(stream.status == .badRequest)
            #expect(try stream.json["error"] as? String == "window=2h: expected one of 15m, 1h, 6h, 24h, 7d, 30d")
            // The server still answers.
            #expect(try await client.get("/operations").status == .ok)
        }
    }
}

/// The alerts page over the real alerting service.
@Suite("Dashboard alerts")
struct DashboardAlertTests {
    static let rules = """
        rules:
          - name: "<b>agent-errors</b>"
            match: {event: task}
            by: agent_id
            metric: error_rate
            thresholds: {warn: "> 10%", critical: "> 50%"}
            recommendation: Read the failures.
        """

    @Test("firing alerts with severity in words, filters, ack and silence buttons; 400 for a bad state")
    func alertsPage() async throws {
        let fixture = try await ServerFixture(alertingRules: Self.rules)
        let alerting = try #require(fixture.alerting)
        try await fixture.test { client in
            #expect(try await client.post("/v1/events", AlertAPITests.failing(agent: "a1", failed: 6)).status == .ok)
            #expect(try await client.post("/v1/events", AlertAPITests.failing(agent: "a2", failed: 2)).status == .ok)
            await alerting.tick()
            let page = try await client.get("/alerts").text
            #expect(page.contains("<h2>Firing (2)</h2>"))
            #expect(page.contains("‼ critical") && page.contains("! warn"))
            #expect(page.contains("&lt;b&gt;agent-errors&lt;/b&gt;") && !page.contains("<b>agent-errors"))
            #expect(page.contains("Recommendation: Read the failures."))
            #expect(page.components(separatedBy: "data-ack=").count == 3)
            #expect(page.contains("data-silence=\"[&quot;alertname=&lt;b&gt;agent-errors&lt;/b&gt;&quot;,"))
            let critical = try await client.get("/alerts?state=firing&severity=critical").text
            #expect(critical.contains("<h2>Firing (1)</h2>") && !critical.contains("<h2>Pending"))
            #expect(critical.contains("agent_id=a1") && !critical.contains("agent_id=a2"))
            // The overview counts them.
            #expect(try await client.get("/").text.contains("data-live=\"alerts_firing\">2<"))
            let bad = try await client.get("/alerts?state=asleep")
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("state=asleep: expected pending, firing or resolved"))
        }
    }

    @Test("history: a resolved alert is listed with its start and end, and the state filter keeps only history")
    func alertHistory() async throws {
        let fixture = try await ServerFixture(alertingRules: Self.rules)
        let alerting = try #require(fixture.alerting)
        try await fixture.test { client in
            #expect(try await client.post("/v1/events", AlertAPITests.failing(agent: "a1", failed: 6)).status == .ok)
            await alerting.tick()
            #expect(try await client.get("/alerts").text.contains("<h2 id=\"history\">History: resolved (0)</h2>"))
            // Two hours on, the failures have left every window: the alert resolves and stays as history.
            try await alerting.evaluate(at: Timestamp.now().adding(milliseconds: 7_200_000))
            let json = try await client.get("/v1/alerts?state=resolved").json
            let alert = try #require((json["alerts"] as? [[String: Any]])?.first)
            let started = try #require(alert["active_since"] as? String)
            let ended = try #require(alert["resolved_at"] as? String)
            let page = try await client.get("/alerts").text
            #expect(page.contains("<h2>Firing (0)</h2>"))
            #expect(page.contains("<h2 id=\"history\">History: resolved (1)</h2>"))
            #expect(page.contains("<td>\(started)</td><td>\(ended)</td>"), "start and end of the resolved alert")
            #expect(page.contains("<td>2.0 h</td>") || page.contains("<td>1.9 h</td>"))
            let history = try await client.get("/alerts?state=resolved&severity=critical").text
            #expect(history.contains("History: resolved (1)") && !history.contains("<h2>Firing"))
            let none = try await client.get("/alerts?state=resolved&severity=warn").text
            #expect(none.contains("History: resolved (0)"))
        }
    }

    @Test("without alerting the page says how to configure it")
    func alertingOff() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let response = try await client.get("/alerts")
            #expect(response.status == .ok)
            #expect(response.text.contains("Alerting is not configured"))
        }
    }
}
