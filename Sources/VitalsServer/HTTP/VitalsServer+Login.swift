import Hummingbird
import Logging
import NIOCore
import VitalsDashboard

extension VitalsServer {
    /// `GET /login`, `POST /login` and `POST /logout`: browser sessions for the dashboard when tokens are configured
    /// (see ``BrowserSessions``). Without tokens every page is open, and these only lead back to the overview.
    func addLoginRoutes(to router: Router<BasicRequestContext>) {
        router.get("/login") { request, _ in
            guard self.verifier.isEnabled else { return Self.redirect(to: "/") }
            let signedIn = request.sessionCookie.flatMap { self.sessions.token(cookie: $0) } != nil
            let next = Self.safeTarget(request.uri.queryParameters["next"].map(String.init))
            return Self.html(LoginPage.render(next: next, signedIn: signedIn))
        }
        router.post("/login") { request, context in
            try await self.login(request, context: context)
        }
        router.post("/logout") { request, _ in
            guard request.isSameOrigin else { return Self.crossSite }
            if let cookie = request.sessionCookie { self.sessions.logout(cookie: cookie) }
            var response = Self.redirect(to: self.verifier.isEnabled ? "/login" : "/")
            response.headers[.setCookie] = Self.sessionCookie("", maxAge: 0, secure: request.cameOverTLS)
            return response
        }
    }

    /// The login form's fields.
    private struct LoginForm: Decodable {
        var token: String
        var next: String?
    }

    private func login(_ request: Request, context: BasicRequestContext) async throws -> Response {
        guard verifier.isEnabled else { return Self.redirect(to: "/") }
        guard request.isSameOrigin else { return Self.crossSite }
        // The form within 16 KiB and the body deadline of ingest: a client trickling its form is cut off.
        let body: ByteBuffer
        do {
            let reader = BodyReader(limit: 16 * 1024, budget: ingestBudget, timeout: configuration.bodyTimeout)
            let (buffer, reserved) = try await reader.read(request.body)
            ingestBudget.give(reserved)
            body = buffer
        } catch let failure as BodyReader.Failure {
            let (status, message, header): (HTTPResponse.Status, String, (HTTPFields.Element.Name, String)?) =
                switch failure {
                case .tooLarge:
                    (.contentTooLarge, "the form is larger than 16 KiB; enter a token", nil)
                case .tooSlow: (.requestTimeout, "the form arrived too slowly; send it again", (.connection, "close"))
                case .overBudget:
                    (
                        .serviceUnavailable, "the server is busy receiving data; try again in a second",
                        (.retryAfter, "1")
                    )
                }
            var response = Self.html(LoginPage.render(next: "/", message: message), status: status)
            if let (name, value) = header { response.headers[name] = value }
            return response
        }
        guard let form = try? URLEncodedFormDecoder().decode(LoginForm.self, from: String(buffer: body)) else {
            return Self.html(
                LoginPage.render(next: "/", message: "the form was not filled in; enter a token"),
                status: .badRequest
            )
        }
        let next = Self.safeTarget(form.next)
        switch sessions.login(form.token) {
        case .throttled(let seconds):
            logger.warning(
                "dashboard login refused: too many failed logins lately",
                metadata: ["retry_after": "\(seconds)"]
            )
            var response = Self.html(
                LoginPage.render(
                    next: next,
                    message: "too many failed sign-ins on this server lately; try again in \(seconds) s"
                ),
                status: .tooManyRequests
            )
            response.headers[.retryAfter] = String(seconds)
            return response
        case .refused:
            logger.notice("dashboard login refused: unknown token")
            return Self.html(
                LoginPage.render(next: next, message: "that token is not one of this server's tokens"),
                status: .unauthorized
            )
        case .signedIn(let cookie, let token):
            guard token.grants(.read) else {
                sessions.logout(cookie: cookie)
                return Self.html(
                    LoginPage.render(
                        next: next,
                        message: "that token has no read scope (an ingest token cannot open the dashboard)"
                    ),
                    status: .forbidden
                )
            }
            logger.info("dashboard login", metadata: ["scopes": "\(token.scopes.map(\.rawValue).sorted())"])
            var response = Self.redirect(to: next)
            response.headers[.setCookie] = Self.sessionCookie(
                cookie,
                maxAge: Int(BrowserSessions.lifetime.components.seconds),
                secure: request.cameOverTLS
            )
            return response
        }
    }

    /// The session cookie: `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page sends it),
    /// `Path=/`, and `Secure` when the browser came over HTTPS.
    static func sessionCookie(_ value: String, maxAge: Int, secure: Bool) -> String {
        "\(BrowserSessions.cookieName)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
            + (secure ? "; Secure" : "")
    }

    /// `next` when it is a path of this server, else `/`: a login never sends the browser to another site.
    static func safeTarget(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"), next.utf8.count <= 2048,
            !next.hasPrefix("/login"), next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
        else { return "/" }
        return next
    }

    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    private static var crossSite: Response {
        APIError(.forbidden, "a sign-in or sign-out from another site is refused; use the form at /login").response
    }
}
