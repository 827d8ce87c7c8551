import Hummingbird

/// Bearer tokens with scopes: `/health*` is always open (probes carry no token), `POST /v1/events` and `/v1/traces` need `ingest`,
/// other `GET` (and `HEAD`) of `/v1/*` and `/metrics` need `read`, anything else `admin`. 401 without a valid token, 403 with a
/// token that lacks the scope. Open when no token is configured.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let verifier: TokenVerifier

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
        guard let header = request.headers[.authorization], header.count > 7,
            header.prefix(7).lowercased() == "bearer ",
            let token = verifier.verify(header.dropFirst(7))
        else {
            return APIError(
                .unauthorized,
                "missing or unknown bearer token; send Authorization: Bearer TOKEN with a token from the configuration",
                headers: [.wwwAuthenticate: "Bearer realm=\"vitals\""]
            ).response
        }
        guard token.grants(scope) else {
            return APIError(
                .forbidden,
                "this token lacks the \(scope.rawValue) scope needed for \(request.method) \(request.uri.path)"
            )
            .response
        }
        return try await next(request, context)
    }

    /// The scope a route needs, or `nil` for open routes.
    static func scope(method: HTTPRequest.Method, path: String) -> AccessScope? {
        if path == "/health" || path.hasPrefix("/health/") { return nil }
        if method == .post && (path == "/v1/events" || path == "/v1/traces") { return .ingest }
        // HEAD is a GET without the body: it reads, so a read token may send it.
        if method == .get || method == .head, path.hasPrefix("/v1/") || path == "/metrics" { return .read }
        return .admin
    }
}
