/// What a bearer token may do. `admin` includes `read` and `ingest`.
public enum AccessScope: String, Sendable, Hashable, CaseIterable {
    /// `POST /v1/events`.
    case ingest
    /// `GET /v1/*` and `GET /metrics`.
    case read
    /// Everything, including future control routes.
    case admin
}

/// A bearer token from the configuration and the scopes it grants.
public struct AccessToken: Sendable, Hashable {
    /// The secret, as sent in `Authorization: Bearer …`.
    public var token: String
    /// What it may do.
    public var scopes: Set<AccessScope>

    /// Creates a token.
    public init(token: String, scopes: Set<AccessScope>) {
        self.token = token
        self.scopes = scopes
    }

    /// Whether this token grants `scope` (`admin` grants every scope).
    public func grants(_ scope: AccessScope) -> Bool {
        scopes.contains(scope) || scopes.contains(.admin)
    }
}

/// Finds the token of a request in constant time: every configured token is compared in full, whatever matches,
/// so the time taken does not tell an attacker how many leading bytes were right.
struct TokenVerifier: Sendable {
    private let tokens: [(bytes: [UInt8], token: AccessToken)]

    init(_ tokens: [AccessToken]) {
        self.tokens = tokens.map { (Array($0.token.utf8), $0) }
    }

    /// Whether any token is configured (when none is, every route is open).
    var isEnabled: Bool { !tokens.isEmpty }

    /// The configured token equal to `presented`, if any.
    func verify(_ presented: Substring) -> AccessToken? {
        let candidate = Array(presented.utf8)
        var found: AccessToken?
        for entry in tokens where Self.constantTimeEqual(entry.bytes, candidate) {
            found = entry.token
        }
        return found
    }

    /// Compares two byte strings in time that depends only on their lengths.
    static func constantTimeEqual(_ expected: [UInt8], _ candidate: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: expected.count ^ candidate.count)
        if expected.count ^ candidate.count != 0 { difference |= 1 }
        for index in 0..<expected.count {
            let other = index < candidate.count ? candidate[index] : 0
            difference |= expected[index] ^ other
        }
        return difference == 0
    }
}
