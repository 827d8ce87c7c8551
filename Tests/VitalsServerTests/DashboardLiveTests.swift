import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import VitalsAlerting
import VitalsStore
import VitalsTestSupport

@testable import VitalsServer

/// The live stream on the wire, and the pages in a real headless Chromium.
@Suite("Dashboard live")
struct DashboardLiveTests {
    @Test("the stream: an update at once and after an ingest; max_streams; a closed stream's place; shutdown ends it")
    func stream() async throws {
        let fixture = try await ServerFixture { $0.maxStreams = 1 }
        let connection = try await fixture.test(.live) { client in
            #expect(try await client.post("/v1/events", DashboardTests.events).status == .ok)
            let port = try #require(client.port)
            // Reads end after 4 s without a byte: long enough for a loaded machine to compute an update, short of
            // the 5 s heartbeat.
            var first: RawConnection? = try RawConnection(port: port, timeout: .seconds(4))
            first?.send("GET /v1/stream?window=1h HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            // Everything until four seconds pass without a byte: the headers and the first update.
            let opening = await first?.readAll() ?? ""
            #expect(opening.hasPrefix("HTTP/1.1 200"), "\(opening.prefix(300))")
            #expect(opening.lowercased().contains("content-type: text/event-stream"))
            #expect(opening.contains("event: update\ndata: {\"window\":\"1h\""))
            #expect(opening.contains("\"count\":143,\"errors\":10"))
            #expect(opening.contains("\"values\":{\"events_per_s\":"))

            let refused = try await client.get("/v1/stream")
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers[.retryAfter] == "10")
            #expect(
                try refused.json["error"] as? String
                    == "1 live streams are open, the most this server allows (max_streams); retry later"
            )

            #expect(try await client.post("/v1/events", llmCalls(7)).status == .ok)
            let next = await first?.readAll() ?? ""
            #expect(next.contains("\"count\":150,\"errors\":10"), "\(next.prefix(300))")

            // The client leaves; the server finds out at its next write and frees the place.
            first = nil
            for _ in 0..<10 {
                let second = try RawConnection(port: port, timeout: .seconds(2))
                second.send("GET /v1/stream?window=15m HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                if await second.readAll().hasPrefix("HTTP/1.1 200") { return second }
            }
            Issue.record("the closed stream's place was not given back")
            return try RawConnection(port: port)
        }
        // The server has shut down (the test's application ends gracefully): the stream was finished, not cut.
        let rest = await connection.readAll()
        #expect(rest.hasSuffix("0\r\n\r\n"), "the chunked stream did not end: \(rest.suffix(200))")
    }

    @Test(
        "headless Chromium: pages load cleanly, the overview's script applies live updates, screenshots light and dark",
        .enabled(if: Chromium.path != nil, "chromium is not installed (apt-get install chromium; scripts/test does)")
    )
    func browser() async throws {
        let chromium = try #require(Chromium.path)
        let folder = Chromium.screenshotFolder
        let fixture = try await ServerFixture()
        try await fixture.test(.live) { client in
            #expect(try await client.post("/v1/events", DashboardTests.events).status == .ok)
            let base = "http://127.0.0.1:\(try #require(client.port))"
            // The page is rendered with 143 events and told about 7 more only by the stream.
            let rendered = try await client.get("/?window=1h").text
            #expect(rendered.contains("data-live=\"count\">143<"))
            async let live = Chromium.load(
                chromium,
                base + "/?window=1h",
                until: "document.querySelector('[data-live=count]').textContent === '150'"
            )
            try await Task.sleep(for: .seconds(2))
            #expect(try await client.post("/v1/events", llmCalls(7)).status == .ok)
            let page = try await live
            #expect(page.held, "the count never became 150 in the browser")
            #expect(page.dom.contains("data-live=\"count\">150<"))
            #expect(page.dom.contains("Live: updated"))

            // A fleet for the agents pages and the overview's fleet section.
            #expect(try await client.post("/v1/events", DashboardAgentTests.records).status == .ok)

            // Any other page fetches its content again after an ingest and swaps it in, without a reload (the mark
            // set once the page loaded would be gone). The batch is sent once the page's stream is open.
            let server = fixture.server
            func streams() -> Int { server.openStreams.load(ordering: .acquiring) }
            for _ in 0..<200 where streams() > 0 { try await Task.sleep(for: .milliseconds(50)) }
            async let agents = Chromium.load(
                chromium,
                base + "/agents?window=1h",
                action: "window.vitalsMark = 1",
                until:
                    "window.vitalsMark === 1 && document.querySelector('main').textContent.indexOf('late-agent') >= 0"
            )
            for _ in 0..<400 where streams() == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(streams() == 1, "the agents page opened its stream")
            let late =
                "{\"event\":\"task\",\"ts\":\"\(Recent.time(seconds: 90))\",\"duration_ms\":8,\"agent_id\":\"late-agent\"}"
            #expect(try await client.post("/v1/events", late).status == .ok)
            let agentsPage = try await agents
            let refreshed = agentsPage.held && agentsPage.dom.contains("data-refreshes=\"")
            #expect(refreshed, "the agents page never showed the agent ingested after it loaded, in place")
            let pages = [
                ("overview", "/?window=1h"), ("operations", "/operations?window=1h"),
                ("operation", "/operations/llm_call?window=1h&by=model"), ("agents", "/agents?window=1h"),
                ("agents-filtered", "/agents?window=1h&domain=support&band=healthy&q=agent&sort=p95"),
                ("agent", "/agents/agent-03?window=1h"),
            ]
            for (name, path) in pages {
                for dark in [false, true] {
                    let file = folder.appendingPathComponent("\(name)-\(dark ? "dark" : "light").png")
                    try? FileManager.default.removeItem(at: file)
                    let shot = try await Chromium.load(chromium, base + path, screenshot: file.path, dark: dark)
                    #expect(shot.dom.contains("<h1>"), "\(path)")
                    let bytes = try Data(contentsOf: file)
                    #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(file.path) is not a PNG")
                }
            }
        }
    }
}

extension DashboardLiveTests {
    @Test(
        "headless Chromium: the alerts page's Acknowledge button acknowledges the alert through the API",
        .enabled(if: Chromium.path != nil, "chromium is not installed (apt-get install chromium; scripts/test does)")
    )
    func acknowledgeInBrowser() async throws {
        let chromium = try #require(Chromium.path)
        let fixture = try await ServerFixture(alertingRules: DashboardAlertTests.rules)
        let alerting = try #require(fixture.alerting)
        try await fixture.test(.live) { client in
            let events = AlertAPITests.failing(agent: "a1", failed: 6)
            #expect(try await client.post("/v1/events", events).status == .ok)
            await alerting.tick()
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let page = try await Chromium.load(
                chromium,
                base + "/alerts",
                action: "document.querySelector('button[data-ack]').click()",
                until: "document.body.textContent.indexOf('acknowledged by dashboard') >= 0",
                screenshot: Chromium.screenshotFolder.appendingPathComponent("alerts-light.png").path
            )
            #expect(page.held, "the page never showed the acknowledgement")
            #expect(!page.dom.contains("data-ack="))
            let json = try await client.get("/v1/alerts").json
            let alert = try #require((json["alerts"] as? [[String: Any]])?.first)
            #expect((alert["acknowledgement"] as? [String: Any])?["author"] as? String == "dashboard")
        }
    }
}

extension DashboardLiveTests {
    @Test(
        "headless Chromium: /pipeline and /tools load clean in light and dark; an observation is acknowledged",
        .enabled(if: Chromium.path != nil, "chromium is not installed (apt-get install chromium; scripts/test does)")
    )
    func reportPagesInBrowser() async throws {
        let chromium = try #require(Chromium.path)
        let fixture = try await ServerFixture(alertingRules: DashboardReportTests.timeoutRule) {
            $0.store.labelKeys = DashboardReportTests.labelKeys
        }
        let alerting = try #require(fixture.alerting)
        try await fixture.test(.live) { client in
            #expect(try await client.post("/v1/events", DashboardReportTests.events).status == .ok)
            await alerting.tick()
            let base = "http://127.0.0.1:\(try #require(client.port))"
            for (name, path) in [("pipeline", "/pipeline?window=1h"), ("tools", "/tools?window=1h")] {
                for dark in [false, true] {
                    let file = Chromium.screenshotFolder.appendingPathComponent(
                        "\(name)-\(dark ? "dark" : "light").png"
                    )
                    try? FileManager.default.removeItem(at: file)
                    let shot = try await Chromium.load(chromium, base + path, screenshot: file.path, dark: dark)
                    #expect(shot.dom.contains("<h1>\(name == "tools" ? "Tools" : "Pipeline")</h1>"), "\(path)")
                    #expect(try Data(contentsOf: file).starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(file.path)")
                }
            }
            let page = try await Chromium.load(
                chromium,
                base + "/tools?window=1h&category=timeout",
                action: "document.querySelector('button[data-ack]').click()",
                until: "document.body.textContent.indexOf('acknowledged by dashboard') >= 0"
            )
            #expect(page.held, "the tools page never showed the acknowledgement")
            #expect(!page.dom.contains("data-ack="))
        }
    }
}

extension DashboardLiveTests {
    @Test(
        "headless Chromium with tokens: signing in through the form, then Acknowledge acknowledges the alert",
        .enabled(if: Chromium.path != nil, "chromium is not installed (apt-get install chromium; scripts/test does)")
    )
    func signInAndAcknowledgeInBrowser() async throws {
        let chromium = try #require(Chromium.path)
        let logs = LogCapture()
        let fixture = try await BrowserLoginTests.fixture(logs: logs)
        let admin = try #require(BrowserLoginTests.secrets["admin"])
        try await fixture.test(.live) { client in
            let fingerprint = try await BrowserLoginTests.firingAlert(client, fixture)
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let login = try await Chromium.load(
                chromium,
                base + "/alerts",
                until: "location.pathname === '/login' && !!document.getElementById('token')",
                screenshot: Chromium.screenshotFolder.appendingPathComponent("login-light.png").path
            )
            #expect(login.held, "/alerts did not lead to the login form")
            #expect(login.dom.contains("<h1>Sign in</h1>"))
            let page = try await Chromium.load(
                chromium,
                base + "/alerts",
                steps: [
                    """
                    (function(){var t=document.getElementById('token');if(!t)return false;\
                    t.value='\(admin)';t.form.submit();return true})()
                    """,
                    """
                    (function(){var b=document.querySelector('button[data-ack]');if(!b)return false;\
                    b.click();return true})()
                    """,
                ],
                until: "document.body.textContent.indexOf('acknowledged by dashboard') >= 0"
            )
            #expect(page.held, "the page never showed the acknowledgement")
            #expect(!page.dom.contains(admin))
            let json = try await client.get("/v1/alerts", headers: [.authorization: "Bearer \(admin)"]).json
            let alert = try #require((json["alerts"] as? [[String: Any]])?.first)
            #expect(alert["fingerprint"] as? String == fingerprint)
            #expect((alert["acknowledgement"] as? [String: Any])?["author"] as? String == "dashboard")
        }
        #expect(!logs.text.contains(admin), "the token was logged")
    }
}

/// Debian's `chromium`, driven headless over the DevTools protocol by `scripts/chromium-page.py`.
enum Chromium {
    /// What a page load gave.
    struct Page: Sendable {
        var held: Bool
        var dom: String
    }

    /// `VITALS_CHROMIUM`, else `chromium` on the usual paths; `nil` when there is none.
    static let path: String? = {
        let candidates =
            [ProcessInfo.processInfo.environment["VITALS_CHROMIUM"]].compactMap { $0 } + [
                "/usr/bin/chromium", "/usr/bin/chromium-browser",
            ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// `VITALS_SCREENSHOTS` (made when missing), else a folder in the temporary directory.
    static let screenshotFolder: URL = {
        let path =
            ProcessInfo.processInfo.environment["VITALS_SCREENSHOTS"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("vitals-dashboard-screenshots").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return URL(fileURLWithPath: path)
    }()

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/chromium-page.py").path

    /// Loads `url`, runs each of `steps` once it returns true (each may lead to another page), then `action`, until
    /// the JavaScript `until` holds (or 15 s pass), and checks that the page logged no console
    /// error, had no failed request and asked nothing of a host other than 127.0.0.1. Waits on a thread of its own: the
    /// concurrency pool also runs the server the browser talks to.
    static func load(
        _ chromium: String,
        _ url: String,
        steps: [String] = [],
        action: String? = nil,
        until: String = "true",
        screenshot: String? = nil,
        dark: Bool = false
    ) async throws -> Page {
        var arguments = [script, chromium, url, "--until", until]
        for step in steps { arguments += ["--step", step] }
        if let action { arguments += ["--action", action] }
        if let screenshot { arguments += ["--screenshot", screenshot] }
        if dark { arguments.append("--dark") }
        let command = arguments
        let output = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/python3"),
            command,
            timeLimit: .seconds(60)
        )
        #expect(output.status == 0, "\(url): \(output.stderr.suffix(1_000))")
        let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any] ?? [:]
        for key in ["console_errors", "failed_requests", "outside_requests"] {
            #expect((object[key] as? [Any])?.isEmpty == true, "\(url): \(key) \(object[key] ?? "missing")")
        }
        return Page(held: object["held"] as? Bool ?? false, dom: object["dom"] as? String ?? "")
    }
}
