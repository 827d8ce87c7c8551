/// The text format of a `/metrics` response: Prometheus text 0.0.4 or OpenMetrics 1.0.
///
/// Pick it from the request's `Accept` header and answer with its ``contentType``:
///
/// ```swift
/// let format = ExpositionFormat(accept: request.headers[.accept])
/// let body = registry.render(format)
/// // respond with body and "Content-Type: \(format.contentType)"
/// ```
public enum ExpositionFormat: Sendable, Hashable {
    /// The Prometheus text format 0.0.4, what every scraper reads.
    case prometheus
    /// OpenMetrics 1.0: counter families named without `_total`, and a final `# EOF`.
    case openMetrics

    /// The format an `Accept` header asks for: OpenMetrics only when it lists `application/openmetrics-text`
    /// with a quality above zero and at least that of `text/plain`; the Prometheus text format otherwise,
    /// including when there is no header.
    ///
    /// - Parameter accept: The value of the request's `Accept` header, if any.
    public init(accept: String?) {
        self = .prometheus
        guard let accept else { return }
        var openMetricsQuality = -1.0
        var plainQuality = -1.0
        for range in accept.split(separator: ",") {
            let parameters = range.split(separator: ";")
            guard let mediaType = parameters.first else { continue }
            var quality = 1.0
            for parameter in parameters.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                if pair.count == 2, Self.trimmed(pair[0]).lowercased() == "q" {
                    quality = Double(Self.trimmed(pair[1])) ?? 1
                }
            }
            switch Self.trimmed(mediaType).lowercased() {
            case "application/openmetrics-text": openMetricsQuality = max(openMetricsQuality, quality)
            case "text/plain": plainQuality = max(plainQuality, quality)
            default: break
            }
        }
        if openMetricsQuality > 0, openMetricsQuality >= plainQuality { self = .openMetrics }
    }

    /// The `Content-Type` of a response in this format.
    public var contentType: String {
        switch self {
        case .prometheus: return "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: return "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    private static func trimmed(_ text: Substring) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = text.lastIndex(where: { !isSpace($0) })!
        return text[first...last]
    }
}
