import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Vitals
import VitalsAlerting
import VitalsDashboard
import VitalsRules
import VitalsStore

@testable import VitalsServer

/// The pages drawn from the built-in packs' report (`/pipeline`, `/tools`, `/snapshot`) against a real server over a
/// real SQLite file, compared with `/v1/report` and with the data sent.
@Suite("Dashboard report pages")
struct DashboardReportTests {
    /// `intent` kept as a label too, so that the pipeline pack's edge invariant can read it (`stage` and `tier`, which
    /// the stage contracts and the tier rules read, are default label keys).
    static let labelKeys = SeriesKey.defaultLabelKeys + ["intent"]

    /// A tool whose name would run as a script if the page forgot to escape it.
    static let hostileTool = "<script>alert(1)</script>"

    /// Pipeline stages (the session stage breaks its 3 s contract once, init and discovery keep theirs; 3 edge
    /// intents where the invariant wants 4), tool calls (`status`, tier 1, fast; `search`, tier 2, 2 timeouts in 10
    /// and 1 error, and one call past the 30 s timeout; the hostile tool, tier 1) and provider events (`glm` 3 timeouts
    /// and 2 errors in 10, `kimi` none in 5).
    static var events: String {
        var lines: [String] = []
        func add(_ fields: String, at second: Int) {
            lines.append("{\"ts\":\"\(Recent.time(seconds: Double(560 + second % 30)))\",\(fields)}")
        }
        for index in 0..<3 { add("\"event\":\"stage\",\"stage\":\"init\",\"duration_ms\":500", at: index) }
        for index in 0..<5 {
            add("\"event\":\"stage\",\"stage\":\"session\",\"duration_ms\":\(1_000 + index * 300)", at: index)
        }
        add("\"event\":\"stage\",\"stage\":\"session\",\"duration_ms\":4000", at: 6)
        add("\"event\":\"stage\",\"stage\":\"discovery\",\"duration_ms\":100000", at: 7)
        for (index, intent) in ["calls", "reads", "writes"].enumerated() {
            add("\"event\":\"edge\",\"intent\":\"\(intent)\",\"duration_ms\":1", at: index)
        }
        for index in 0..<20 {
            add("\"event\":\"tool_call\",\"tool\":\"status\",\"tier\":\"1\",\"duration_ms\":\(10 + index)", at: index)
        }
        for index in 0..<10 {
            let status = index < 2 ? ",\"status\":\"timeout\"" : index == 2 ? ",\"status\":\"error\"" : ""
            let duration = index == 9 ? 31_000 : 1_000 + index * 100
            add(
                "\"event\":\"tool_call\",\"tool\":\"search\",\"tier\":\"2\",\"duration_ms\":\(duration)\(status)",
                at: index
            )
        }
        let hostile = hostileTool.replacingOccurrences(of: "/", with: "\\/")
        add("\"event\":\"tool_call\",\"tool\":\"\(hostile)\",\"tier\":\"1\",\"duration_ms\":5", at: 0)
        for index in 0..<10 {
            let status = index < 3 ? ",\"status\":\"timeout\"" : index < 5 ? ",\"status\":\"error\"" : ""
            add("\"event\":\"llm_call\",\"provider\":\"glm\",\"duration_ms\":\(200 + index)\(status)", at: index)
        }
        for index in 0..<5 { add("\"event\":\"llm_call\",\"provider\":\"kimi\",\"duration_ms\":300", at: index) }
        return lines.joined(separator: "\n")
    }

    /// The number of lines of ``events``.
    static var eventCount: Int { events.split(separator: "\n").count }

    static func loaded(
        alertingRules: String? = nil,
        _ test: @escaping @Sendable (any TestClientProtocol, ServerFixture) async throws -> Void
    ) async throws {
        let fixture = try await ServerFixture(alertingRules: alertingRules) { $0.store.labelKeys = labelKeys }
        try await fixture.test { client in
            let json = try await client.post("/v1/events", events).json
            #expect(json["accepted"] as? Int == eventCount)
            try await test(client, fixture)
        }
    }

    /// The row of `table` whose `data-KIND` attribute is `value` (escaped), or a recorded issue.
    static func row(_ page: String, _ kind: String, _ value: String) throws -> String {
        let marker = "<tr data-\(kind)=\"\(Markup.escape(value))\">"
        let start = try #require(page.range(of: marker), "no row \(kind)=\(value)")
        let end = page[start.upperBound...].range(of: "</tr>")?.lowerBound ?? page.endIndex
        return String(page[start.upperBound..<end])
    }

    @Test("pipeline: every contract and invariant row equals /v1/report's result; a broken contract says fail")
    func pipeline() async throws {
        try await Self.loaded { client, _ in
            let response = try await client.get("/pipeline?window=1h")
            #expect(response.status == .ok)
            let page = response.text
            let json = try await client.get("/v1/report?window=1h&format=json").json
            let compliance = try #require(json["compliance"] as? [String: Any])
            let results = try #require(compliance["results"] as? [[String: Any]])
            let pipelineRules = Set(try #require(RulePacks.pack(named: "pipeline")).rules.map(\.name))
            let ours = results.filter { pipelineRules.contains($0["rule"] as? String ?? "") }
            #expect(ours.count == pipelineRules.count)
            for result in ours {
                let rule = try #require(result["rule"] as? String)
                let row = try Self.row(page, "rule", rule)
                let status = result["status"] as? String
                let word = status == "passed" ? "✓ pass" : status == "violated" ? "✗ fail" : "– no data"
                #expect(row.contains(word), "\(rule): \(word) missing from \(row)")
                #expect(row.contains(Markup.escape(result["value_text"] as? String ?? "?")), "\(rule): \(row)")
            }
            // The data: the 4 s session breaks its contract; init and discovery keep theirs; 3 intents of 4.
            #expect(try Self.row(page, "rule", "session-processing").contains("✗ fail (critical)"))
            #expect(try Self.row(page, "rule", "session-processing").contains("max 4s"))
            #expect(try Self.row(page, "rule", "initialization").contains("✓ pass"))
            #expect(try Self.row(page, "rule", "full-discovery").contains("✓ pass"))
            #expect(try Self.row(page, "rule", "edge-intents").contains("✗ fail"))
            // The session stage's p95 over its 6 events, from the store's statistics.
            let stats = try await client.get("/v1/stats?event=stage&by=stage&window=1h").json
            let session = try #require(
                (stats["series"] as? [[String: Any]])?.first {
                    ($0["labels"] as? [String: String])?["stage"] == "session"
                }
            )
            let p95 = Format.milliseconds(session["p95_ms"] as? Double)
            #expect(try Self.row(page, "rule", "session-processing").contains("<td>\(p95)</td><td>6</td>"))
            #expect((json["summary"] as? [String: Any])?["pipeline_health"] as? String == "RED")
            #expect(page.contains("■ RED"))
            #expect(page.contains("aria-current=\"page\">Pipeline<"))
        }
    }

    @Test("tools: tiers with targets and timeouts; each tool's tier, calls, timeouts and verdict; provider timeouts")
    func tools() async throws {
        try await Self.loaded { client, _ in
            let response = try await client.get("/tools?window=1h")
            #expect(response.status == .ok)
            let page = response.text
            #expect(
                page.contains("<tr><td>Tier 2</td><td class=\"text\">simple parameters</td><td>200ms</td><td>5s</td>")
            )
            #expect(page.contains("<td>5s</td><td>30s</td></tr>"), "tier 2's p95 ceiling and timeout")
            #expect(page.contains("<td>100ms</td><td>5s</td></tr>"), "tier 1's p95 ceiling and timeout")
            let status = try Self.row(page, "tool", "status")
            #expect(status.contains("<td>Tier 1</td><td>20</td>"))
            #expect(status.contains("0 (0 %)") && status.contains("✓ pass"))
            let search = try Self.row(page, "tool", "search")
            #expect(search.contains("<td>Tier 2</td><td>10</td>"))
            #expect(search.contains("2 (20.0 %)"), "\(search)")
            #expect(search.contains("✗ fail: tier2-latency, tier2-timeout"), "p95 31 s and one call past 30 s")
            // p50/p95 as /v1/stats gives them for the tool.
            let stats = try await client.get("/v1/stats?event=tool_call&label.tool=search&window=1h").json
            let group = try #require((stats["series"] as? [[String: Any]])?.first)
            #expect(search.contains("<td>\(Format.milliseconds(group["p50_ms"] as? Double))</td>"))
            #expect(search.contains("<td>\(Format.milliseconds(group["p95_ms"] as? Double))</td>"))
            // Timeouts, not every failure: glm has 3 timeouts and 2 other errors in 10.
            #expect(try Self.row(page, "provider", "glm").contains("3 (30.0 %)"))
            #expect(try Self.row(page, "provider", "glm").contains("5 (50.0 %)"))
            #expect(try Self.row(page, "provider", "kimi").contains("0 (0 %)"))
            // Highest timeout rate first.
            let glm = try #require(page.range(of: "data-provider=\"glm\"")?.lowerBound)
            #expect(glm < (page.range(of: "data-provider=\"kimi\"")?.lowerBound ?? page.startIndex))
            // Observations: the timeout and the broken contract; filtered by category and severity.
            #expect(page.contains("<td>timeout</td><td>tool=search</td>"))
            #expect(page.contains("<td>contract</td>") && page.contains("alerting off"))
            let timeouts = try await client.get("/tools?window=1h&category=timeout").text
            #expect(timeouts.contains("<td>timeout</td>") && !timeouts.contains("<td>contract</td>"))
            #expect(timeouts.contains("<option selected>timeout</option>"))
            let warnings = try await client.get("/tools?window=1h&severity=warn").text
            #expect(warnings.contains("Observations (0)"))
            // The hostile tool's name is escaped.
            #expect(!page.contains("<script>alert") && page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }

    static let timeoutRule = """
        rules:
          - name: tier2-timeout
            match: {event: tool_call, tier: "2"}
            by: [tool]
            metric: max
            thresholds: {critical: "> 30s"}
        """

    @Test("an observation with an alert behind it has an Acknowledge button; acknowledged, it says by whom")
    func acknowledgeObservation() async throws {
        try await Self.loaded(alertingRules: Self.timeoutRule) { client, fixture in
            let alerting = try #require(fixture.alerting)
            await alerting.tick()
            let alerts = try await client.get("/v1/alerts?state=firing").json["alerts"] as? [[String: Any]]
            let fingerprint = try #require(alerts?.first?["fingerprint"] as? String)
            let page = try await client.get("/tools?window=1h&category=timeout").text
            #expect(page.contains("data-ack=\"\(fingerprint)\">Acknowledge</button>"))
            let contracts = try await client.get("/tools?window=1h&category=contract").text
            #expect(contracts.contains("no alert") && !contracts.contains("data-ack="))
            let ack = try await client.post("/v1/alerts/\(fingerprint)/ack", "{\"author\":\"ops\"}")
            #expect(ack.status == .ok)
            let after = try await client.get("/tools?window=1h&category=timeout").text
            #expect(after.contains("✓ acknowledged by ops") && !after.contains("data-ack="))
        }
    }

    @Test("snapshot: an attachment with the overview's figures, inline CSS and nothing from another host")
    func snapshot() async throws {
        try await Self.loaded { client, _ in
            let response = try await client.get("/snapshot?window=1h")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let disposition = try #require(response.headers[.contentDisposition])
            #expect(disposition.hasPrefix("attachment; filename=\"vitals-snapshot-"))
            let snapshot = response.text
            let overview = try await client.get("/?window=1h").text
            #expect(overview.contains("href=\"/snapshot?window=1h\""))
            let figures = [
                ("events_per_s", "Events per second"), ("count", "Events"), ("errors", "Errors"),
                ("error_rate", "Error rate"), ("p50", "p50 latency"), ("p95", "p95 latency"), ("p99", "p99 latency"),
            ]
            for (key, label) in figures {
                let marker = "data-live=\"\(key)\">"
                let start = try #require(overview.range(of: marker)?.upperBound, "\(key) not on the overview")
                let value = overview[start...].prefix { $0 != "<" }
                #expect(
                    snapshot.contains("<div class=\"label\">\(label)</div><div class=\"value\">\(value)</div>"),
                    "\(label) \(value) missing from the snapshot"
                )
            }
            #expect(snapshot.contains("<div class=\"value\">\(Self.eventCount)</div>"))
            #expect(snapshot.contains("<style>") && !snapshot.contains("<script"))
            let outside = try Regex(#"(src|href)\s*=\s*["']?\s*(https?:|//)"#).ignoresCase()
            #expect(snapshot.firstMatch(of: outside) == nil, "the snapshot asks another host for something")
            #expect(!snapshot.contains("src=") && !snapshot.contains("<link"))
            #expect(snapshot.contains("Pipeline health") && snapshot.contains("RED"))
            #expect(snapshot.contains("<title>Vitals snapshot, last hour to "))
        }
    }

    @Test("hostile parameters of the new pages get a 400 page that says what was expected")
    func hostileParameters() async throws {
        try await Self.loaded { client, _ in
            let cases: [(String, String)] = [
                ("/pipeline?window=2h", "window=2h: expected one of 15m, 1h, 6h, 24h, 7d, 30d"),
                ("/pipeline?stage=x", "stage: not a parameter of this page; expected window"),
                ("/tools?severity=%3Cb%3Eloud", "severity=&lt;b&gt;loud: expected one of warn, medium, high, critical"),
                ("/tools?category=gossip", "category=gossip: expected one of timeout, latency, tier-fit, contract"),
                ("/tools?tool=x", "tool: not a parameter of this page; expected category, severity, window"),
                ("/snapshot?window=forever", "window=forever: expected one of"),
            ]
            for (uri, message) in cases {
                let response = try await client.get(uri)
                #expect(response.status == .badRequest, "\(uri)")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.contentDisposition] == nil, "\(uri)")
                #expect(response.text.contains(message), "\(uri): \(response.text.suffix(400))")
                #expect(!response.text.contains("<b>loud"))
            }
        }
    }
}
