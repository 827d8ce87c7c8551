import Foundation
import Hummingbird
import NIOCore
import Vitals
import VitalsAlerting
import VitalsRules
import VitalsStore

extension VitalsServer {
    func addAlertRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/alerts") { request, _ in try await self.answer { try await self.listAlerts(request) } }
        // An alert action changes what pages show: open ones are told through their stream.
        router.post("/v1/alerts/{fingerprint}/ack") { request, context in
            try await self.answer {
                try await self.changing {
                    try await self.acknowledge(request, fingerprint: context.parameters.get("fingerprint") ?? "")
                }
            }
        }
        router.get("/v1/silences") { _, _ in try await self.answer { try await self.listSilences() } }
        router.post("/v1/silences") { request, _ in
            try await self.answer { try await self.changing { try await self.createSilence(request) } }
        }
        router.delete("/v1/silences/{id}") { _, context in
            try await self.answer {
                try await self.changing { try await self.deleteSilence(context.parameters.get("id") ?? "") }
            }
        }
        router.get("/v1/rules") { _, _ in try await self.answer { try await self.listRules() } }
    }

    /// Runs an action, then counts a change when it succeeded.
    private func changing(_ action: () async throws -> Response) async throws -> Response {
        let response = try await action()
        noteChange()
        return response
    }

    private func alertingService() throws(APIError) -> AlertingService {
        guard let alerting else {
            throw APIError(
                .notFound,
                "alerting is not configured: add an `alerting:` section to the configuration, or set SLACK_WEBHOOK_URL"
            )
        }
        return alerting
    }

    /// `GET /v1/alerts?state=firing&severity=critical&rule=…&LABEL=VALUE`.
    private func listAlerts(_ request: Request) async throws -> Response {
        let alerting = try alertingService()
        var state: AlertState?
        var filters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters.map({ (String($0.key), String($0.value)) }) {
            switch key {
            case "state":
                guard let parsed = AlertState(rawValue: value) else {
                    throw APIError(.badRequest, "state=\(value): expected pending, firing or resolved")
                }
                state = parsed
            case "rule": filters["alertname"] = value
            default: filters[key] = value
            }
        }
        var json = JSONWriter()
        json.beginObject()
        json.beginArray("alerts")
        for (alert, muted) in try await alerting.alerts() {
            guard state == nil || alert.state == state else { continue }
            let labels = alert.labels
            guard filters.allSatisfy({ labels[$0.key] == $0.value }) else { continue }
            json.beginObject()
            json.string("fingerprint", alert.fingerprint)
            json.string("rule", alert.rule)
            json.string("state", alert.state.rawValue)
            json.string("severity", alert.severity)
            json.beginObject("group")
            for (key, value) in alert.group.sorted(by: { $0.key < $1.key }) { json.string(key, value) }
            json.endObject()
            json.number("value", alert.value)
            json.string("value_text", alert.valueText)
            json.string("threshold", alert.threshold)
            json.string("active_since", alert.activeSince.rfc3339)
            json.optionalString("firing_since", alert.firingSince?.rfc3339)
            json.optionalString("resolved_at", alert.resolvedAt?.rfc3339)
            if let summary = alert.summary { json.string("summary", summary) }
            if let recommendation = alert.recommendation { json.string("recommendation", recommendation) }
            json.optionalString("muted", muted)
            if let acknowledgement = alert.acknowledgement {
                json.beginObject("acknowledgement")
                json.string("author", acknowledgement.author)
                json.string("comment", acknowledgement.comment)
                json.string("at", acknowledgement.at.rfc3339)
                json.optionalString("expires", acknowledgement.expires?.rfc3339)
                json.endObject()
            } else {
                json.null("acknowledgement")
            }
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return .json(json.bytes)
    }

    /// `POST /v1/alerts/{fingerprint}/ack` with `{"author": …, "comment": …, "expires": "2h" | RFC 3339}`.
    private func acknowledge(_ request: Request, fingerprint: String) async throws -> Response {
        let alerting = try alertingService()
        struct Body: Decodable {
            var author: String?
            var comment: String?
            var expires: String?
        }
        let body = try await decodeSmallBody(Body.self, request)
        let now = Timestamp.now()
        let expires = try body.expires.map { text throws(APIError) in try Self.time(text, after: now, field: "expires")
        }
        do {
            let acknowledgement = try await alerting.acknowledge(
                fingerprint,
                author: body.author ?? "",
                comment: body.comment ?? "",
                expires: expires
            )
            var json = JSONWriter()
            json.beginObject()
            json.string("fingerprint", fingerprint)
            json.string("author", acknowledgement.author)
            json.string("at", acknowledgement.at.rfc3339)
            json.optionalString("expires", acknowledgement.expires?.rfc3339)
            json.endObject()
            return .json(json.bytes)
        } catch let error as AlertingError {
            throw APIError(.notFound, error.message)
        }
    }

    private func listSilences() async throws -> Response {
        let silences = try await alertingService().listSilences()
        let now = Timestamp.now()
        var json = JSONWriter()
        json.beginObject()
        json.beginArray("silences")
        for silence in silences { Self.write(silence, active: silence.isActive(at: now), into: &json) }
        json.endArray()
        json.endObject()
        return .json(json.bytes)
    }

    /// `POST /v1/silences` with `{"matchers": ["alertname=x", …] or [{name, value, isRegex, isEqual}],
    /// "startsAt"?, "endsAt" | "duration", "createdBy", "comment"}`.
    private func createSilence(_ request: Request) async throws -> Response {
        let alerting = try alertingService()
        struct Body: Decodable {
            var id: String?
            var matchers: [MatcherBody]
            var startsAt: String?
            var endsAt: String?
            var duration: String?
            var createdBy: String?
            var comment: String?
        }
        let body = try await decodeSmallBody(Body.self, request)
        let now = Timestamp.now()
        let start =
            try body.startsAt.map { text throws(APIError) in try Self.time(text, after: now, field: "startsAt") } ?? now
        let end: Timestamp
        switch (body.endsAt, body.duration) {
        case (let text?, nil): end = try Self.time(text, after: start, field: "endsAt")
        case (nil, let text?): end = try Self.time(text, after: start, field: "duration")
        default: throw APIError(.badRequest, "a silence needs one of endsAt (RFC 3339) or duration (such as 2h)")
        }
        var matchers: [SilenceMatcher] = []
        for matcher in body.matchers {
            switch matcher {
            case .text(let text):
                guard let parsed = SilenceMatcher(parsing: text) else {
                    throw APIError(
                        .badRequest,
                        "matcher \"\(text)\": expected name=value, name!=value, name=~regex or name!~regex"
                    )
                }
                matchers.append(parsed)
            case .structured(let parsed): matchers.append(parsed)
            }
        }
        let silence = Silence(
            id: body.id ?? "",
            matchers: matchers,
            startsAt: start,
            endsAt: end,
            createdBy: body.createdBy ?? "",
            comment: body.comment ?? ""
        )
        do {
            let saved = try await alerting.addSilence(silence)
            var json = JSONWriter()
            Self.write(saved, active: saved.isActive(at: now), into: &json)
            return .json(json.bytes, status: .created)
        } catch let error as AlertingError {
            throw APIError(.badRequest, error.message)
        }
    }

    private func deleteSilence(_ id: String) async throws -> Response {
        guard try await alertingService().removeSilence(id) else {
            throw APIError(.notFound, "no silence has the id \(id)")
        }
        return .json(Array("{\"deleted\":true}".utf8))
    }

    private func listRules() async throws -> Response {
        let alerting = try alertingService()
        let statuses = await alerting.ruleStatuses()
        let metrics = await alerting.metrics()
        var json = JSONWriter()
        json.beginObject()
        json.bool("evaluating", metrics.leader)
        json.integer("evaluations", metrics.evaluations)
        json.number("last_evaluation_ms", metrics.lastMilliseconds)
        json.beginArray("rules")
        for status in statuses {
            json.beginObject()
            json.string("name", status.rule.name)
            json.string("source", status.rule.location.description)
            if let description = status.rule.description { json.string("description", description) }
            json.string(
                "thresholds",
                status.rule.thresholds.map { "\($0.severity): \($0.threshold)" }.joined(separator: ", ")
            )
            json.optionalString("last_evaluation", status.lastEvaluation?.rfc3339)
            json.number("duration_ms", status.durationMilliseconds)
            json.optionalString("error", status.error)
            json.beginObject("alerts")
            for state in AlertState.allCases { json.integer(state.rawValue, status.alerts[state] ?? 0) }
            json.endObject()
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return .json(json.bytes)
    }

    // MARK: Helpers

    private static func write(_ silence: Silence, active: Bool, into json: inout JSONWriter) {
        json.beginObject()
        json.string("id", silence.id)
        json.beginArray("matchers")
        for matcher in silence.matchers {
            json.beginObject()
            json.string("name", matcher.name)
            json.string("value", matcher.value)
            json.bool("isRegex", matcher.isRegex)
            json.bool("isEqual", matcher.isEqual)
            json.endObject()
        }
        json.endArray()
        json.string("startsAt", silence.startsAt.rfc3339)
        json.string("endsAt", silence.endsAt.rfc3339)
        json.string("createdBy", silence.createdBy)
        json.string("comment", silence.comment)
        json.bool("active", active)
        json.endObject()
    }

    /// An RFC 3339 time, or a duration (`2h`) counted from `base`.
    private static func time(_ text: String, after base: Timestamp, field: String) throws(APIError) -> Timestamp {
        if let time = Timestamp(rfc3339: text) { return time }
        if let duration = DurationText.parse(text), duration > .zero {
            return Timestamp(nanosecondsSinceEpoch: base.nanosecondsSinceEpoch &+ min(duration.nanoseconds, 1 << 60))
        }
        throw APIError(
            .badRequest,
            "\(field): \"\(text)\" is neither an RFC 3339 time nor a positive \(DurationText.expected)"
        )
    }

    /// A JSON body of at most 64 KiB, read with the ingest body's deadline, decoded as `T`.
    private func decodeSmallBody<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let reader = BodyReader(limit: 65_536, budget: ingestBudget, timeout: configuration.bodyTimeout)
        let buffer: ByteBuffer
        let reserved: Int
        do {
            (buffer, reserved) = try await reader.read(request.body)
        } catch BodyReader.Failure.tooLarge {
            throw APIError(.contentTooLarge, "the body is larger than 64 KiB")
        } catch BodyReader.Failure.tooSlow {
            throw APIError(.requestTimeout, "the body arrived too slowly", headers: [.connection: "close"])
        } catch {
            throw APIError(.serviceUnavailable, "the server is busy; retry after a second", headers: [.retryAfter: "1"])
        }
        defer { ingestBudget.give(reserved) }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError(.badRequest, "the body has no \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError(.badRequest, "\(path.isEmpty ? "the body" : path): \(context.debugDescription)")
        } catch {
            throw APIError(.badRequest, "the body is not the JSON object expected")
        }
    }
}

/// A silence matcher as text (`name=value`) or as Alertmanager's object.
private enum MatcherBody: Decodable {
    case text(String)
    case structured(SilenceMatcher)

    init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self = .text(text)
        } else {
            let container = try decoder.container(keyedBy: Keys.self)
            self = .structured(
                SilenceMatcher(
                    name: try container.decode(String.self, forKey: .name),
                    value: try container.decode(String.self, forKey: .value),
                    isRegex: try container.decodeIfPresent(Bool.self, forKey: .isRegex) ?? false,
                    isEqual: try container.decodeIfPresent(Bool.self, forKey: .isEqual) ?? true
                )
            )
        }
    }

    enum Keys: String, CodingKey { case name, value, isRegex, isEqual }
}
