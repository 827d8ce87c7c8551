import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import VitalsAlerting
import VitalsStore
import VitalsTestSupport

@testable import VitalsServer

/// The dashboard's sign-in with tokens configured, against a live server over a real SQLite file.
@Suite("Browser login with tokens")
struct BrowserLoginTests {
    static let secrets = ["ingest": "ingest-7f3a-secret", "read": "read-91c2-secret", "admin": "admin-d04e-secret"]

    static func fixture(logs: LogCapture? = nil) async throws -> ServerFixture {
        try await ServerFixture(
            alertingRules: DashboardAlertTests.rules,
            logger: logs?.logger(label: "vitals.server") ?? Logger(label: "vitals.server")
        ) {
            $0.tokens = [
                AccessToken(token: secrets["ingest"]!, scopes: [.ingest]),
                AccessToken(token: secrets["read"]!, scopes: [.read]),
                AccessToken(token: secrets["admin"]!, scopes: [.admin]),
            ]
        }
    }

    static let form: HTTPFields = [
        .contentType: "application/x-www-form-urlencoded", BrowserHeader.secFetchSite: "same-origin",
    ]

    /// Signs in with `token` through `POST /login`; the `Cookie` header value of the session.
    static func signIn(
        _ client: any TestClientProtocol,
        _ token: String,
        next: String = "/alerts"
    ) async throws
        -> String
    {
        let response = try await client.post("/login", "token=\(token)&next=\(next)", headers: form)
        #expect(response.status == .seeOther, "\(response.text)")
        #expect(response.headers[.location] == next)
        let cookie = try #require(response.headers[.setCookie])
        #expect(cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Strict") && cookie.contains("; Path=/"))
        #expect(!cookie.contains("Secure"), "a plain-HTTP login must not get a Secure cookie")
        #expect(!cookie.contains(token))
        return String(cookie.prefix { $0 != ";" })
    }

    /// An alert firing, ingested with the admin token; its fingerprint.
    static func firingAlert(_ client: any TestClientProtocol, _ fixture: ServerFixture) async throws -> String {
        let admin: HTTPFields = [.authorization: "Bearer \(secrets["admin"]!)"]
        let events = AlertAPITests.failing(agent: "a1", failed: 6)
        #expect(try await client.post("/v1/events", events, headers: admin).status == .ok)
        let alerting = try #require(fixture.alerting)
        await alerting.tick()
        let alerts = try await client.get("/v1/alerts", headers: admin).json["alerts"] as? [[String: Any]]
        return try #require(alerts?.first?["fingerprint"] as? String)
    }

    @Test("no cookie: a page redirects to /login, the API answers 401 JSON; a wrong token gets no cookie")
    func withoutSession() async throws {
        try await Self.fixture().test(.live) { client in
            let page = try await client.get("/agents?window=1h")
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/login?next=/agents%3Fwindow%3D1h")
            #expect(try await client.get("/").headers[.location] == "/login")
            let api = try await client.get("/v1/stats?event=task")
            #expect(api.status == .unauthorized)
            #expect(try api.json["error"] as? String != nil)
            let stream = try await client.get("/v1/stream")
            #expect(stream.status == .unauthorized)
            // A bearer read token still opens a page (scripts and proxies that add the header).
            let bearer: HTTPFields = [.authorization: "Bearer \(Self.secrets["read"]!)"]
            #expect(try await client.get("/alerts", headers: bearer).status == .ok)

            let login = try await client.get("/login?next=/alerts")
            #expect(login.status == .ok)
            #expect(login.text.contains("<form class=\"filters\" method=\"post\" action=\"/login\">"))
            #expect(login.text.contains("name=\"next\" value=\"/alerts\""))
            // Another site's address is never a place to go after signing in.
            #expect(try await client.get("/login?next=//evil.example/").text.contains("name=\"next\" value=\"/\""))

            let wrong = try await client.post("/login", "token=read-91c2-secreT&next=/alerts", headers: Self.form)
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.setCookie] == nil)
            #expect(wrong.text.contains("not one of this server"))
            #expect(!wrong.text.contains("read-91c2-secreT"))
            // A forged cookie opens nothing.
            let forged = try await client.get("/alerts", headers: [.cookie: "vitals_session=0123.4567"])
            #expect(forged.status == .seeOther)
            // An ingest token cannot open the dashboard.
            let ingest = try await client.post(
                "/login",
                "token=\(Self.secrets["ingest"]!)",
                headers: Self.form
            )
            #expect(ingest.status == .forbidden)
            #expect(ingest.headers[.setCookie] == nil)
            // A page reached over HTTPS (through a TLS proxy) gets a Secure cookie.
            for tls: HTTPFields in [
                [.origin: "https://localhost"],
                [BrowserHeader.secFetchSite: "same-origin", BrowserHeader.forwardedProto: "https"],
            ] {
                var headers = tls
                headers[.contentType] = "application/x-www-form-urlencoded"
                let secure = try await client.post("/login", "token=\(Self.secrets["read"]!)", headers: headers)
                #expect(secure.status == .seeOther)
                #expect(secure.headers[.setCookie]?.hasSuffix("; HttpOnly; SameSite=Strict; Secure") == true)
            }
        }
    }

    @Test("read token: pages and the stream load with the cookie, acknowledging is 403; logout ends the session")
    func readSession() async throws {
        let logs = LogCapture()
        let fixture = try await Self.fixture(logs: logs)
        try await fixture.test(.live) { client in
            let fingerprint = try await Self.firingAlert(client, fixture)
            let cookie = try await Self.signIn(client, Self.secrets["read"]!)
            let session: HTTPFields = [.cookie: cookie]
            for path in ["/", "/alerts", "/operations?window=1h", "/agents", "/tools", "/pipeline"] {
                let page = try await client.get(path, headers: session)
                #expect(page.status == .ok, "\(path)")
                #expect(page.text.contains("<h1>"), "\(path)")
            }
            #expect(try await client.get("/alerts", headers: session).text.contains("data-ack="))
            #expect(try await client.get("/v1/alerts", headers: session).status == .ok)

            let port = try #require(client.port)
            let stream = try RawConnection(port: port, timeout: .seconds(2))
            stream.send("GET /v1/stream?window=1h HTTP/1.1\r\nHost: localhost\r\nCookie: \(cookie)\r\n\r\n")
            let opening = await stream.readAll()
            #expect(opening.hasPrefix("HTTP/1.1 200"), "\(opening.prefix(300))")
            #expect(opening.contains("event: update"))

            var ack = session
            ack[BrowserHeader.secFetchSite] = "same-origin"
            let refused = try await client.post("/v1/alerts/\(fingerprint)/ack", "{\"author\":\"ann\"}", headers: ack)
            #expect(refused.status == .forbidden)
            #expect(
                try refused.json["error"] as? String
                    == "this token lacks the admin scope needed for POST /v1/alerts/\(fingerprint)/ack"
            )

            let signedIn = try await client.get("/login", headers: session).text
            #expect(signedIn.contains("action=\"/logout\""))
            #expect(!(try await client.get("/login").text.contains("action=\"/logout\"")))
            let logout = try await client.post("/logout", "", headers: ack)
            #expect(logout.status == .seeOther)
            #expect(logout.headers[.location] == "/login")
            #expect(logout.headers[.setCookie]?.hasPrefix("vitals_session=; Path=/; Max-Age=0") == true)
            #expect(fixture.server.sessions.count == 0)
            #expect(try await client.get("/alerts", headers: session).status == .seeOther)
            #expect(try await client.get("/v1/alerts", headers: session).status == .unauthorized)
        }
        #expect(logs.text.contains("dashboard login"), "the capture saw nothing: \(logs.text.prefix(500))")
        for secret in Self.secrets.values {
            #expect(!logs.text.contains(secret), "a token was logged")
        }
    }

    @Test("admin token: the cookie acknowledges from the same origin; a cross-site POST with it is refused")
    func adminSession() async throws {
        let logs = LogCapture()
        let fixture = try await Self.fixture(logs: logs)
        try await fixture.test(.live) { client in
            let fingerprint = try await Self.firingAlert(client, fixture)
            let cookie = try await Self.signIn(client, Self.secrets["admin"]!, next: "/")
            let body = "{\"author\":\"ann\",\"comment\":\"on it\"}"
            let crossSite: [HTTPFields] = [
                [.cookie: cookie, .origin: "http://evil.example"],
                [.cookie: cookie, BrowserHeader.secFetchSite: "cross-site", .origin: "http://evil.example"],
                [.cookie: cookie, BrowserHeader.secFetchSite: "same-site"],
                [.cookie: cookie],
            ]
            for headers in crossSite {
                let refused = try await client.post("/v1/alerts/\(fingerprint)/ack", body, headers: headers)
                #expect(refused.status == .forbidden, "\(headers)")
                #expect(try refused.json["error"] as? String ?? "" != "")
            }
            let silences = try await client.post(
                "/v1/silences",
                "{\"matchers\":{\"agent_id\":\"a1\"},\"duration\":\"1h\"}",
                headers: [.cookie: cookie, .origin: "http://evil.example"]
            )
            #expect(silences.status == .forbidden)
            // A login posted from another site is refused too (no login CSRF).
            let foreignLogin = try await client.post(
                "/login",
                "token=\(Self.secrets["admin"]!)",
                headers: [.contentType: "application/x-www-form-urlencoded", .origin: "http://evil.example"]
            )
            #expect(foreignLogin.status == .forbidden)
            #expect(foreignLogin.headers[.setCookie] == nil)
            let unacknowledged = try await client.get("/v1/alerts", headers: [.cookie: cookie]).json
            #expect((unacknowledged["alerts"] as? [[String: Any]])?.first?["acknowledgement"] as? [String: Any] == nil)

            // The live client sends Host: localhost; a page of http://localhost is this server's own.
            let ack = try await client.post(
                "/v1/alerts/\(fingerprint)/ack",
                body,
                headers: [.cookie: cookie, .origin: "http://localhost"]
            )
            #expect(ack.status == .ok, "\(ack.text)")
            let json = try await client.get("/v1/alerts", headers: [.cookie: cookie]).json
            let alert = try #require((json["alerts"] as? [[String: Any]])?.first)
            #expect((alert["acknowledgement"] as? [String: Any])?["author"] as? String == "ann")
        }
        for secret in Self.secrets.values {
            #expect(!logs.text.contains(secret), "a token was logged")
        }
    }

    @Test("five failed logins in a minute: the next is 429 with Retry-After, even with a valid token")
    func failedLoginsAreLimited() async throws {
        try await Self.fixture().test(.live) { client in
            for attempt in 0..<BrowserSessions.failureLimit {
                let wrong = try await client.post("/login", "token=guess-\(attempt)", headers: Self.form)
                #expect(wrong.status == .unauthorized)
            }
            let limited = try await client.post("/login", "token=\(Self.secrets["admin"]!)", headers: Self.form)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.setCookie] == nil)
            let seconds = try #require(limited.headers[.retryAfter].flatMap { Int($0) })
            #expect(seconds >= 1 && seconds <= 61)
            // Bearer tokens are not affected.
            let bearer: HTTPFields = [.authorization: "Bearer \(Self.secrets["read"]!)"]
            #expect(try await client.get("/v1/alerts", headers: bearer).status == .ok)
        }
        // The limit lifts once the window has passed (the clock is passed in, not waited for).
        let sessions = BrowserSessions(verifier: TokenVerifier([AccessToken(token: "t", scopes: [.read])]))
        let start = ContinuousClock.now
        for _ in 0..<BrowserSessions.failureLimit {
            guard case .refused = sessions.login("x", now: start) else { Issue.record("not refused"); return }
        }
        guard case .throttled = sessions.login("t", now: start + .seconds(59)) else {
            Issue.record("not throttled")
            return
        }
        guard case .signedIn(let cookie, _) = sessions.login("t", now: start + .seconds(61)) else {
            Issue.record("not signed in after the window")
            return
        }
        #expect(sessions.token(cookie: cookie, now: start + .seconds(62))?.token == "t")
        #expect(sessions.token(cookie: cookie, now: start + BrowserSessions.lifetime + .seconds(62)) == nil)
        #expect(sessions.token(cookie: String(cookie.dropLast()) + "x", now: start + .seconds(62)) == nil)
    }

    @Test("without tokens nothing changes: pages open, /login leads to the overview, no cookie is needed")
    func noTokens() async throws {
        try await ServerFixture().test(.live) { client in
            #expect(try await client.get("/alerts").status == .ok)
            let login = try await client.get("/login")
            #expect(login.status == .seeOther)
            #expect(login.headers[.location] == "/")
            #expect(try await client.post("/v1/events", llmCalls(2)).status == .ok)
        }
    }

    @Test("the place to go after login is a path of this server")
    func safeTarget() {
        #expect(VitalsServer.safeTarget("/agents?window=1h") == "/agents?window=1h")
        for bad in [nil, "", "https://evil.example/", "//evil.example/", "/\\evil.example", "/login", "/a b", "/a\nb"] {
            #expect(VitalsServer.safeTarget(bad) == "/", "\(bad ?? "nil")")
        }
    }
}

extension BrowserLoginTests {
    @Test("a sign-in form that trickles gets 408 and is closed; one past 16 KiB gets 413; neither holds any budget")
    func hostileForms() async throws {
        let fixture = try await ServerFixture { configuration in
            configuration.bodyTimeout = .seconds(1)
            configuration.tokens = [AccessToken(token: Self.secrets["read"]!, scopes: [.read])]
        }
        try await fixture.test(.live) { client in
            let port = try #require(client.port)
            let trickler = try RawConnection(port: port)
            trickler.send(
                "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 500\r\n\r\ntoken="
            )
            let answer = await trickler.readAll()
            #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer.prefix(200))")
            #expect(answer.contains("too slowly"))

            let large = "token=" + String(repeating: "a", count: 17 * 1024)
            let refused = try await client.post("/login", large, headers: Self.form)
            #expect(refused.status == .contentTooLarge)
            #expect(refused.text.contains("larger than 16 KiB"))

            let signedIn = try await client.post(
                "/login",
                "token=\(Self.secrets["read"]!)&next=/alerts",
                headers: Self.form
            )
            #expect(signedIn.status == .seeOther, "an honest form still signs in")
            try await HostileRequestTests.expectNothingHeld(fixture.server)
        }
    }
}
