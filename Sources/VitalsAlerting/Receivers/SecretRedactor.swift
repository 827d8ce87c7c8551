/// Keeps a receiver's secrets out of what is logged: Slack's webhook path, a webhook's URL and header values,
/// a bot token.
///
/// Log lines name the receiver and its host only; this is the second line of defence for text that comes from
/// elsewhere (a transport error's description, a receiver's answer), in which every secret is replaced.
struct SecretRedactor: Sendable {
    static let replacement = "<redacted>"

    private let secrets: [String]

    init(_ receiver: ReceiverConfiguration) {
        var secrets: [String] = []
        switch receiver.kind {
        case .slack(let url):
            secrets += [url] + Self.pathAndQuery(of: url)
        case .webhook(let url, let headers, _):
            secrets += [url] + Self.pathAndQuery(of: url) + headers.values
        case .telegram(let token, _, let apiURL):
            // The chat is not a secret, the token is (it is the bot's password); it sits in the request's path.
            secrets += [token, "bot" + token] + Self.pathAndQuery(of: apiURL)
        case .log, .handler:
            break
        }
        // Short fragments ("/", "1") would mangle innocent text and are no secret anyway; longest first, so a
        // secret containing another is replaced whole.
        self.secrets = Array(Set(secrets.filter { $0.count >= 4 })).sorted { $0.count > $1.count }
    }

    /// `text` with every secret of the receiver replaced by `<redacted>`.
    func redact(_ text: String) -> String {
        var text = text
        for secret in secrets where text.contains(secret) {
            text = text.replacing(secret, with: Self.replacement)
        }
        return text
    }

    /// The host of an `http` or `https` URL (lowercased, without user information or port), or `nil` when
    /// `url` is not such a URL.
    static func host(of url: String) -> String? {
        guard let rest = afterScheme(url) else { return nil }
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let host: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
        } else {
            host = authority.prefix { $0 != ":" }
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "\t" }) else { return nil }
        return host.lowercased()
    }

    /// The path and query of `url` (from the first `/` after the host), and the query alone: both may carry a
    /// token. Empty when there is no path beyond `/`.
    static func pathAndQuery(of url: String) -> [String] {
        guard let rest = afterScheme(url), let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else {
            return []
        }
        let path = String(rest[slash...])
        var parts = path == "/" ? [] : [path]
        if let question = path.firstIndex(of: "?") { parts.append(String(path[path.index(after: question)...])) }
        return parts
    }

    private static func afterScheme(_ url: String) -> Substring? {
        let lowered = url.lowercased()
        for scheme in ["http://", "https://"] where lowered.hasPrefix(scheme) {
            return url.dropFirst(scheme.count)
        }
        return nil
    }
}
