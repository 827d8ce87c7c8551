import Foundation
import Hummingbird

/// Tokens with scopes, sent as `Authorization: Bearer …` or, from a browser, as the session cookie of `POST /login`.
///
/// `/health*`, `/login` and `/logout` are always open (probes carry no token; the login form checks its own), `POST
/// /v1/events` and `/v1/traces` need `ingest`, other `GET` (and `HEAD`) routes need `read`, anything else `admin`.
/// 401 without a valid token, 403 with a token that lacks the scope; a page (a `GET` outside `/v1/` and `/metrics`)
/// asked for without a token redirects to `/login` instead. A state-changing request authenticated by the cookie must
/// come from this server's own pages (``Request/isSameOrigin``), else 403. Open when no token is configured.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let verifier: TokenVerifier
    let sessions: BrowserSessions

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard verifier.isEnabled, let scope = Self.scope(method: request.method, path: request.uri.path) else {
            return try await next(request, context)
        }
        let token: AccessToken
        let byCookie: Bool
        if let header = request.headers[.authorization] {
            guard header.count > 7, header.prefix(7).lowercased() == "bearer ",
                let found = verifier.verify(header.dropFirst(7))
            else { return Self.unauthorized }
            (token, byCookie) = (found, false)
        } else if let cookie = request.sessionCookie, let found = sessions.token(cookie: cookie) {
            (token, byCookie) = (found, true)
        } else if Self.isPage(method: request.method, path: request.uri.path) {
            return Self.redirectToLogin(from: request.uri.string)
        } else {
            return Self.unauthorized
        }
        guard token.grants(scope) else {
            return APIError(
                .forbidden,
                "this token lacks the \(scope.rawValue) scope needed for \(request.method) \(request.uri.path)"
            )
            .response
        }
        if byCookie, !Self.isSafe(request.method), !request.isSameOrigin {
            return APIError(
                .forbidden,
                "a cross-site request with the dashboard's session cookie is refused; send it from the dashboard's own pages"
            )
            .response
        }
        return try await next(request, context)
    }

    private static var unauthorized: Response {
        APIError(
            .unauthorized,
            "missing or unknown token; send Authorization: Bearer TOKEN with a token from the configuration, "
                + "or sign in at /login in a browser",
            headers: [.wwwAuthenticate: "Bearer realm=\"vitals\""]
        ).response
    }

    /// The scope a route needs, or `nil` for open routes.
    static func scope(method: HTTPRequest.Method, path: String) -> AccessScope? {
        if path == "/health" || path.hasPrefix("/health/") { return nil }
        if path == "/login" || path == "/logout" { return nil }
        if method == .post && (path == "/v1/events" || path == "/v1/traces") { return .ingest }
        // HEAD is a GET without the body: it reads, so a read token may send it. The pages read too.
        if isSafe(method) { return .read }
        return .admin
    }

    static func isSafe(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head
    }

    /// Whether a request is for a dashboard page (what a person opens in a browser), not for the API.
    static func isPage(method: HTTPRequest.Method, path: String) -> Bool {
        isSafe(method) && !path.hasPrefix("/v1/") && path != "/metrics"
    }

    /// 303 to the login form, which comes back to `target` (a path and query, never a secret) once signed in.
    static func redirectToLogin(from target: String) -> Response {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        let next = target.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/"
        return Response(
            status: .seeOther,
            headers: [.location: target == "/" ? "/login" : "/login?next=\(next)", .cacheControl: "no-store"]
        )
    }
}
