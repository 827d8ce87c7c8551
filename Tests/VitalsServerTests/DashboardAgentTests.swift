import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Vitals
import VitalsDashboard

@testable import VitalsServer

/// The overview's fleet section and the agents pages against a real server over a real SQLite file, compared with
/// `/v1/report` of the same window.
@Suite("Dashboard agents")
struct DashboardAgentTests {
    /// An agent id that would run as a script if a page forgot to escape it.
    static let hostileID = "<script>alert(4)</script>"
    /// Agents ingested besides the hostile one.
    static let agentCount = 12

    static func id(_ index: Int) -> String { String(format: "agent-%02d", index) }
    static func domain(_ index: Int) -> String { ["support", "analytics", "engineering"][index % 3] }

    /// Agent i: 10 `task` events of 100 × (i + 1) ms, `i % 4` of them failed in the last ten minutes, and a
    /// `workload_pct` of 9 × i (so 8 healthy, 2 busy, 1 overloaded, 1 failing); agent-11 also failed twice 30 minutes
    /// ago. The hostile id has 2 tasks and no workload. `memory_mb` rises 2 MB a minute for ten minutes.
    static var records: String {
        var lines: [String] = []
        for index in 0..<agentCount {
            let labels = "\"agent_id\":\"\(id(index))\",\"agent_domain\":\"\(domain(index))\""
            for task in 0..<10 {
                let failed = task < index % 4 ? ",\"status\":\"error\",\"error\":\"boom <i>\(index)</i>\"" : ""
                lines.append(
                    "{\"event\":\"task\",\"ts\":\"\(Recent.time(seconds: Double(task * 30)))\","
                        + "\"duration_ms\":\(100 * (index + 1)),\(labels)\(failed)}"
                )
            }
            lines.append(
                "{\"metric\":\"workload_pct\",\"value\":\(9 * index),\"ts\":\"\(Recent.time(seconds: 300))\",\(labels)}"
            )
        }
        for old in 0..<2 {
            lines.append(
                "{\"event\":\"task\",\"ts\":\"\(Recent.time(seconds: -1_200 - Double(old)))\",\"duration_ms\":1200,"
                    + "\"agent_id\":\"agent-11\",\"agent_domain\":\"engineering\",\"status\":\"error\",\"error\":\"old\"}"
            )
        }
        let hostile = hostileID.replacingOccurrences(of: "/", with: "\\/")
        for task in 0..<2 {
            lines.append(
                "{\"event\":\"task\",\"ts\":\"\(Recent.time(seconds: Double(task)))\",\"duration_ms\":50,"
                    + "\"agent_id\":\"\(hostile)\",\"agent_domain\":\"support\"}"
            )
        }
        for minute in 0..<10 {
            lines.append(
                "{\"metric\":\"memory_mb\",\"value\":\(50 + 2 * minute),\"ts\":\"\(Recent.time(seconds: Double(minute * 60)))\"}"
            )
        }
        return lines.joined(separator: "\n")
    }

    static func loaded(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let fixture = try await ServerFixture()
        try await fixture.test(.router) { client in
            let json = try await client.post("/v1/events", records).json
            #expect(json["accepted"] as? Int == agentCount * 11 + 2 + 2 + 10)
            try await test(client)
        }
    }

    /// The `data-agent` ids of a page's rows, in order, unescaped.
    static func rows(_ page: String) -> [String] {
        page.components(separatedBy: "<tr data-agent=\"").dropFirst().map { row in
            String(row.prefix { $0 != "\"" }).replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&gt;", with: ">")
        }
    }

    /// The text of the element carrying `data-figure="KEY"`, tags left in.
    static func figure(_ page: String, _ key: String) -> String? {
        guard let start = page.range(of: "data-figure=\"\(key)\">") else { return nil }
        let rest = page[start.upperBound...]
        let element = rest.components(separatedBy: "</div>").first ?? ""
        return element.components(separatedBy: "</p>").first ?? ""
    }

    @Test("the overview's verdict, pipeline, health, bands, bottlenecks and memory are those of /v1/report")
    func overviewMatchesReport() async throws {
        try await Self.loaded { client in
            let report = try await client.get("/v1/report?window=1h&format=json").json
            let summary = try #require(report["summary"] as? [String: Any])
            let page = try await client.get("/?window=1h").text

            let verdict = try #require(summary["verdict"] as? String)
            let verdictFigure = try #require(Self.figure(page, "verdict"))
            if summary["production_ready"] as? Bool == true {
                #expect(verdictFigure.contains("✓ production ready"))
            } else if verdict.hasPrefix("blocked by ") {
                let count = verdict.dropFirst("blocked by ".count).prefix { $0.isNumber }
                #expect(verdictFigure.contains("✗ blocked by \(count)<"), "\(verdictFigure) vs \(verdict)")
            } else {
                Issue.record("the known data should give rules data: \(verdict)")
            }
            let light = try #require(summary["pipeline_health"] as? String)
            #expect(Self.figure(page, "pipeline")?.contains(" \(light)<") == true)
            let health = try #require(summary["average_health"] as? Double)
            // Recency is measured to the end of each request's window, so the page, read a moment after the report,
            // may score a hair lower: the one decimal shown must be within rounding of the report's score.
            let healthFigure = try #require(Self.figure(page, "health"))
            let shownHealth = healthFigure.split(separator: " ").last.flatMap { Double($0.prefix { $0 != "<" }) }
            #expect(shownHealth.map { abs($0 - health) <= 0.06 } == true, "\(healthFigure) vs \(health)")

            // Bands: the known workloads, and the report's own count of each workload status.
            let agents = try #require(report["agents"] as? [[String: Any]])
            #expect(agents.count == Self.agentCount + 1)
            let expected = ["healthy": 8, "busy": 2, "overloaded": 1, "failing": 1, "unknown": 1]
            for (band, count) in expected {
                let inReport = agents.filter { ($0["workload_status"] as? String ?? "unknown") == band }.count
                #expect(inReport == count, "\(band) in /v1/report")
                #expect(Self.figure(page, "band-\(band)")?.contains(">\(count)</a>") == true, "\(band) on the page")
            }
            let statuses = try #require(summary["agents_by_status"] as? [String: Any])
            for (status, count) in statuses {
                #expect(
                    Self.figure(page, "statuses")?.contains("\(count as? Int ?? -1) \(status)") == true,
                    "\(status)"
                )
            }

            // Bottlenecks: the report's first five, in order, with their recommendation.
            let bottlenecks = try #require(report["bottlenecks"] as? [[String: Any]])
            #expect(!bottlenecks.isEmpty, "task takes all of the time")
            let shown = page.components(separatedBy: "<tr data-bottleneck>").dropFirst()
            #expect(shown.count == min(5, bottlenecks.count))
            for (row, item) in zip(shown, bottlenecks) {
                #expect(row.contains("<td>\(Markup.escape(item["subject"] as? String ?? "?"))</td>"))
                #expect(row.contains(Markup.escape(item["recommendation"] as? String ?? "?")))
            }

            // Memory rises steadily: the report suspects a leak, the page says so with the same slope.
            let memory = try #require(report["memory"] as? [String: Any])
            #expect(memory["leak_suspected"] as? Bool == true)
            let slope = try #require(memory["slope_mb_per_s"] as? Double)
            let memoryFigure = try #require(Self.figure(page, "memory"))
            #expect(memoryFigure.contains(String(format: "%+.4f MB/s", slope)))
            #expect(page.contains("⚠ leak suspected"))
        }
    }

    @Test("the agents page lists exactly the agents ingested, with the report's health, and filters and sorts them")
    func agentsPage() async throws {
        try await Self.loaded { client in
            let response = try await client.get("/agents?window=1h")
            #expect(response.status == .ok)
            let page = response.text
            let all = (0..<Self.agentCount).map(Self.id) + [Self.hostileID]
            #expect(Set(Self.rows(page)) == Set(all))
            #expect(Self.rows(page).count == all.count)
            #expect(page.contains("<a href=\"/agents?window=1h\" aria-current=\"page\">Agents</a>"))

            // Health as the report has it; the worst first by default.
            let report = try await client.get("/v1/report?window=1h&format=json").json
            let agents = try #require(report["agents"] as? [[String: Any]])
            let worst = try #require(agents.min { ($0["health"] as? Double ?? 0) < ($1["health"] as? Double ?? 0) })
            #expect(Self.rows(page).first == worst["id"] as? String)
            for agent in agents where agent["id"] as? String == "agent-03" {
                let row = try #require(page.components(separatedBy: "<tr ").first { $0.contains(">agent-03</a>") })
                // The recency part of the score moves with the clock between the page and the report: a tenth.
                let shown = try #require(
                    row.firstMatch(of: /(\d+\.\d)<\/span><div class="parts">/).flatMap { Double($0.1) },
                    "\(row)"
                )
                #expect(abs(shown - (agent["health"] as? Double ?? -1)) <= 0.11, "\(row)")
                #expect(row.contains("success "), "the parts of the score")
                #expect(row.contains("✗ 3</span>"), "three recent failures")
                #expect(row.contains("<td>10</td>"), "ten events")
            }
            // agent-11's old failures count in its error rate, not in the last 15 minutes.
            let eleven = try #require(page.components(separatedBy: "<tr ").first { $0.contains(">agent-11</a>") })
            #expect(eleven.contains("✗ failing"))
            #expect(eleven.contains("✗ 3</span>") && !eleven.contains("✗ 5</span>"))

            let support = Self.rows(try await client.get("/agents?window=1h&domain=support").text)
            #expect(Set(support) == Set((0..<Self.agentCount).filter { $0 % 3 == 0 }.map(Self.id) + [Self.hostileID]))
            let busy = Self.rows(try await client.get("/agents?window=1h&band=busy").text)
            #expect(Set(busy) == ["agent-08", "agent-09"])
            let unknown = Self.rows(try await client.get("/agents?band=unknown").text)
            #expect(unknown == [Self.hostileID])
            let search = try await client.get("/agents?window=1h&q=AGENT-1&domain=&band=").text
            #expect(Set(Self.rows(search)) == ["agent-10", "agent-11"])
            #expect(search.contains("value=\"AGENT-1\""), "the search stays in the box")
            let none = try await client.get("/agents?q=nobody").text
            #expect(Self.rows(none).isEmpty && none.contains("0 of 13 agents"))
            // Slowest first by p95; by id A to Z.
            #expect(Self.rows(try await client.get("/agents?sort=p95").text).first == "agent-11")
            let byID = Self.rows(try await client.get("/agents?sort=id").text)
            #expect(byID == byID.sorted())
        }
    }

    @Test("a fleet of 510 agents: the first 500 rows and a note, the domain filter narrows to its 85")
    func largeFleet() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test(.router) { client in
            let lines = (0..<510).map { index in
                "{\"event\":\"task\",\"ts\":\"\(Recent.time(seconds: Double(index % 600)))\",\"duration_ms\":10,"
                    + "\"agent_id\":\"fleet-\(String(format: "%03d", index))\","
                    + "\"agent_domain\":\"d\(index % 6)\"}"
            }
            let json = try await client.post("/v1/events", lines.joined(separator: "\n")).json
            #expect(json["accepted"] as? Int == 510)
            let page = try await client.get("/agents?sort=id").text
            #expect(page.contains("510 of 510 agents; the first 500 are listed"))
            let rows = Self.rows(page)
            #expect(rows.count == 500 && rows.first == "fleet-000" && rows.last == "fleet-499")
            let domain = Self.rows(try await client.get("/agents?domain=d5").text)
            #expect(domain.count == 85 && domain.allSatisfy { (Int($0.dropFirst(6)) ?? -1) % 6 == 5 })
        }
    }

    @Test("one agent's page: health, band, operations, charts and its failed events, escaped")
    func agentPage() async throws {
        try await Self.loaded { client in
            let response = try await client.get("/agents/agent-03?window=1h")
            #expect(response.status == .ok)
            let page = response.text
            #expect(page.contains("<h1>agent-03</h1>"))
            #expect(page.contains("✓ healthy"), "workload 27 %")
            #expect(page.contains("<a href=\"/operations/task?window=1h\">task</a>"))
            #expect(page.contains("<figcaption>Latency quantiles</figcaption>"))
            // Its 3 failures (at 0, 30 and 60 s past a whole minute) fall into one or two 2-minute steps: the errors
            // chart tops at 3 or 2, each counted once.
            let errorsChart = try #require(
                page.components(separatedBy: "<figcaption>Errors per step</figcaption>").last?
                    .components(separatedBy: "</figure>").first
            )
            #expect(
                errorsChart.contains("text-anchor=\"end\">3.0</text>")
                    || errorsChart.contains("text-anchor=\"end\">2.0</text>"),
                "\(errorsChart.prefix(600))"
            )
            let failures = try #require(page.components(separatedBy: "<h2>Recent failed events</h2>").last)
            #expect(failures.components(separatedBy: "✗ error</td>").count == 4, "three failed events")
            #expect(failures.contains("boom &lt;i&gt;3&lt;/i&gt;") && !page.contains("<i>3</i>"))

            let missing = try await client.get("/agents/nobody")
            #expect(missing.status == .ok)
            #expect(missing.text.contains("No events or gauges of this agent"))
        }
    }

    @Test("a <script> agent id is escaped on the agents pages and the overview")
    func escaping() async throws {
        try await Self.loaded { client in
            let encoded = HTML.urlComponent(Self.hostileID)
            for uri in ["/?window=1h", "/agents?window=1h", "/agents/\(encoded)?window=1h", "/agents?q=%3Cscript%3E"] {
                let response = try await client.get(uri)
                #expect(response.status == .ok, "\(uri)")
                #expect(!response.text.contains("<script>alert"), "\(uri) carries the id unescaped")
            }
            let own = try await client.get("/agents/\(encoded)").text
            #expect(own.contains("<h1>&lt;script&gt;alert(4)&lt;/script&gt;</h1>"))
            #expect(own.contains("? unknown"), "no workload gauge, said in words")
            let list = try await client.get("/agents").text
            #expect(list.contains("href=\"/agents/\(encoded)?window=1h\">&lt;script&gt;alert(4)&lt;/script&gt;</a>"))
        }
    }

    @Test("hostile parameters of the agents pages get a 400 page that says what was expected")
    func hostileParameters() async throws {
        try await Self.loaded { client in
            let cases: [(String, String)] = [
                ("/agents?band=sideways", "band=sideways: expected one of healthy, busy, overloaded, failing, unknown"),
                ("/agents?sort=up", "sort=up: expected one of health, id, band, events, error_rate, p95, failures"),
                (
                    "/agents?q=" + String(repeating: "x", count: 2_000),
                    "q: the search is 2000 bytes long; expected at most 128"
                ),
                ("/agents?domain=" + String(repeating: "d", count: 1_100), "domain: the value is 1100 bytes long"),
                ("/agents?colour=red", "colour: not a parameter of this page; expected band, domain, q, sort, window"),
                ("/agents?window=1y", "window=1y: expected one of 15m, 1h"),
                (
                    "/agents/" + String(repeating: "a", count: 2_000),
                    "the agent id is 2000 bytes long; expected 1 to 1024"
                ),
                ("/agents/" + String(repeating: "%41", count: 3_000), "too long"),
                ("/agents/%ZZ", "not valid percent-encoding"),
                ("/agents/agent-01?by=model", "by: not a parameter of this page; expected window"),
            ]
            for (uri, message) in cases {
                let response = try await client.get(uri)
                #expect(response.status == .badRequest, "\(uri.prefix(80))")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.text.contains(message), "\(uri.prefix(80)): \(response.text.suffix(300))")
            }
            let escaped = try await client.get("/agents?band=%3Cb%3E")
            #expect(escaped.status == .badRequest && escaped.text.contains("band=&lt;b&gt;: expected"))
            #expect(try await client.get("/agents").status == .ok)
        }
    }
}
