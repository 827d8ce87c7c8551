import Foundation
import Hummingbird
import Synchronization

/// The dashboard's browser sessions: `POST /login` trades a configured token for a random session cookie, so the
/// token itself never sits in the browser, and `POST /logout` ends the session on the server.
///
/// A cookie is `vitals_session=ID.SECRET`: `ID` finds the session, `SECRET` (32 random bytes) is compared in constant
/// time, so a lookup's timing tells nothing about the secret. Sessions live in memory: a restart signs everyone out.
/// Failed logins are limited for the whole server (not per client, as behind a proxy every client has one address):
/// after ``failureLimit`` failures within ``failureWindow`` every login is answered 429 without looking at the token
/// until the oldest failure ages out, so a guess made then cannot succeed either.
final class BrowserSessions: Sendable {
    /// The cookie's name.
    static let cookieName = "vitals_session"
    /// How long a session lasts from its login (the cookie's `Max-Age`).
    static let lifetime = Duration.seconds(12 * 3600)
    /// The most sessions kept; the one closest to its end gives way to a new one.
    static let capacity = 1_000
    /// Failed logins allowed within ``failureWindow``.
    static let failureLimit = 5
    /// The window failed logins are counted over.
    static let failureWindow = Duration.seconds(60)

    private struct Session {
        var secret: [UInt8]
        var token: AccessToken
        var expires: ContinuousClock.Instant
    }

    private struct State {
        var sessions: [String: Session] = [:]
        var failures: [ContinuousClock.Instant] = []
    }

    /// The outcome of a login.
    enum Login {
        /// The token is valid: the cookie's value and the token's scopes.
        case signedIn(cookie: String, token: AccessToken)
        /// No configured token equals the one presented.
        case refused
        /// Too many failures lately; try again after this many seconds.
        case throttled(retryAfter: Int)
    }

    private let verifier: TokenVerifier
    private let state = Mutex(State())

    init(verifier: TokenVerifier) {
        self.verifier = verifier
    }

    /// Checks `token` and opens a session when it is valid; limited as the type's discussion says.
    func login(_ token: String, now: ContinuousClock.Instant = .now) -> Login {
        state.withLock { state in
            state.failures.removeAll { now - $0 >= Self.failureWindow }
            if state.failures.count >= Self.failureLimit, let oldest = state.failures.first {
                let wait = Self.failureWindow - (now - oldest)
                return .throttled(retryAfter: max(1, Int(wait.components.seconds) + 1))
            }
            guard let found = verifier.verify(Substring(token)) else {
                state.failures.append(now)
                return .refused
            }
            state.sessions = state.sessions.filter { $0.value.expires > now }
            if state.sessions.count >= Self.capacity,
                let first = state.sessions.min(by: { $0.value.expires < $1.value.expires })
            {
                state.sessions[first.key] = nil
            }
            var generator = SystemRandomNumberGenerator()
            let id = Self.hex((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
            let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            state.sessions[id] = Session(
                secret: Array(Self.hex(secret).utf8),
                token: found,
                expires: now + Self.lifetime
            )
            return .signedIn(cookie: id + "." + Self.hex(secret), token: found)
        }
    }

    /// The token of the session a cookie value names, if it is open.
    func token(cookie: String, now: ContinuousClock.Instant = .now) -> AccessToken? {
        guard let dot = cookie.firstIndex(of: ".") else { return nil }
        let id = String(cookie[..<dot])
        let secret = Array(cookie[cookie.index(after: dot)...].utf8)
        return state.withLock { state in
            guard let session = state.sessions[id], session.expires > now,
                TokenVerifier.constantTimeEqual(session.secret, secret)
            else { return nil }
            return session.token
        }
    }

    /// Ends the session a cookie value names (nothing when it names none).
    func logout(cookie: String) {
        guard let dot = cookie.firstIndex(of: ".") else { return }
        let id = String(cookie[..<dot])
        let secret = Array(cookie[cookie.index(after: dot)...].utf8)
        state.withLock { state in
            if let session = state.sessions[id], TokenVerifier.constantTimeEqual(session.secret, secret) {
                state.sessions[id] = nil
            }
        }
    }

    /// The number of open sessions (for tests).
    var count: Int { state.withLock { $0.sessions.count } }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension Request {
    /// The value of the dashboard's session cookie, if the request carries one.
    var sessionCookie: String? {
        cookies[BrowserSessions.cookieName]?.value
    }

    /// Whether a state-changing request came from a page of this server, not from another site.
    ///
    /// `Sec-Fetch-Site`, which browsers set and scripts cannot, must be `same-origin` when present; otherwise
    /// `Origin` must name the host the request was sent to. A request with neither is refused: every browser that
    /// sends cookies sends one of them on a `POST`, and a client without a browser uses the bearer header.
    var isSameOrigin: Bool {
        if let site = headers[BrowserHeader.secFetchSite] {
            return site.lowercased() == "same-origin"
        }
        guard let origin = headers[.origin], let host = head.authority else { return false }
        guard let separator = origin.range(of: "://") else { return false }
        return origin[separator.upperBound...].lowercased() == host.lowercased()
    }

    /// Whether the browser that sent this request reached the server over HTTPS (through a proxy that terminates
    /// TLS: the server speaks plain HTTP). Told by the page's `Origin` or the proxy's `X-Forwarded-Proto`.
    var cameOverTLS: Bool {
        if let origin = headers[.origin], origin.lowercased().hasPrefix("https://") { return true }
        if let proto = headers[BrowserHeader.forwardedProto], proto.lowercased() == "https" { return true }
        return false
    }
}

/// Header names the browser sessions read that HTTP types do not name.
enum BrowserHeader {
    static let secFetchSite = HTTPFields.Element.Name("Sec-Fetch-Site")!
    static let forwardedProto = HTTPFields.Element.Name("X-Forwarded-Proto")!
}
