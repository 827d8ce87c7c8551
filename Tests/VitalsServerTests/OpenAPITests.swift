import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VitalsStore
import Yams

@testable import VitalsServer

/// Keeps `openapi.yaml` true: every documented route exists and every answer matches its documented schema; every
/// route of the server is documented.
@Suite("openapi.yaml")
struct OpenAPITests {
    nonisolated(unsafe) static let document: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("openapi.yaml")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return ((try? Yams.load(yaml: text)) as? [String: Any]) ?? [:]
    }()

    static var paths: [String: [String: Any]] { document["paths"] as? [String: [String: Any]] ?? [:] }

    @Test("the documented paths are exactly the server's routes")
    func pathsMatchRoutes() {
        #expect(!Self.paths.isEmpty, "openapi.yaml was not found or not parsed")
        #expect(Set(Self.paths.keys) == VitalsServer.routes)
    }

    /// Requests that reach each documented (path, method, status), with a body to check against the schema.
    static let requests: [(method: String, uri: String, body: String?, status: Int)] = [
        ("post", "/v1/events", llmCalls(3) + "\nnot json", 200),
        ("post", "/v1/events", "", 400),
        ("post", "/v1/traces", OTLPTestSpan.jsonRequest(OTLPTestSpan.mixed), 200),
        ("post", "/v1/traces", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{}]}]}]}", 200),
        ("post", "/v1/traces", "{\"resourceSpans\":7}", 400),
        ("post", "/v1/traces", "<spans/>", 415),
        ("get", "/v1/events?event=llm_call&sort=-duration&limit=2", nil, 200),
        ("get", "/v1/events?sort=sideways", nil, 400),
        ("get", "/v1/stats?event=llm_call&by=agent_id", nil, 200),
        ("get", "/v1/stats?metric=queue_depth", nil, 200),
        ("get", "/v1/stats", nil, 400),
        ("get", "/v1/timeseries?event=llm_call&step=5m", nil, 200),
        ("get", "/v1/timeseries?metric=queue_depth", nil, 200),
        ("get", "/v1/timeseries?event=llm_call&step=7s", nil, 400),
        ("get", "/v1/series", nil, 200),
        ("get", "/v1/series?limit=x", nil, 400),
        ("get", "/v1/report", nil, 200),
        ("get", "/v1/report?format=doc", nil, 400),
        ("get", "/metrics", nil, 200),
        ("get", "/health", nil, 200),
        ("get", "/health/live", nil, 200),
        ("get", "/health/ready", nil, 200),
        ("get", "/v1/alerts", nil, 200),
        ("get", "/v1/alerts?state=sideways", nil, 400),
        ("post", "/v1/alerts/0000000000000000/ack", "{\"author\":\"ann\"}", 404),
        ("post", "/v1/alerts/0000000000000000/ack", "not json", 400),
        ("get", "/v1/silences", nil, 200),
        ("post", "/v1/silences", "{\"matchers\":[\"alertname=x\"],\"duration\":\"1h\",\"createdBy\":\"ann\"}", 201),
        ("post", "/v1/silences", "{\"matchers\":[\"alertname\"],\"duration\":\"1h\"}", 400),
        ("delete", "/v1/silences/no-such-silence", nil, 404),
        ("get", "/v1/rules", nil, 200),
        ("get", "/v1/stream?window=forever", nil, 400),
    ]

    /// The documented path a request's URI reaches.
    static func documentedPath(_ uri: String) -> String {
        let path = String(uri.prefix { $0 != "?" })
        if path.hasPrefix("/v1/alerts/") { return "/v1/alerts/{fingerprint}/ack" }
        if path.hasPrefix("/v1/silences/") { return "/v1/silences/{id}" }
        return path
    }

    @Test("every documented operation answers, and its JSON matches the documented schema")
    func answersMatchSchemas() async throws {
        let fixture = try await ServerFixture(
            alertingRules: "rules: [{name: r, match: {event: llm_call}, metric: count, thresholds: {warn: \"> 0\"}}]"
        )
        try await fixture.test { client in
            let gauge = "{\"metric\":\"queue_depth\",\"value\":3,\"ts\":\"\(Recent.time(seconds: 1))\"}"
            #expect(try await client.post("/v1/events", llmCalls(20) + "\n" + gauge).status == .ok)
            var covered = Set<String>()
            for request in Self.requests {
                let path = Self.documentedPath(request.uri)
                let operation = try #require(
                    Self.paths[path]?[request.method] as? [String: Any],
                    "\(request.method) \(path) is not documented"
                )
                covered.insert("\(request.method) \(path)")
                // OTLP bodies say what they are; the one that does not gets the 415.
                let isOTLPJSON = path == "/v1/traces" && request.body?.hasPrefix("{") == true
                let response = try await client.execute(
                    uri: request.uri,
                    method: request.method == "post" ? .post : request.method == "delete" ? .delete : .get,
                    headers: isOTLPJSON ? [.contentType: "application/json"] : [:],
                    body: request.body.map { .init(string: $0) }
                )
                #expect(Int(response.status.code) == request.status, "\(request.method) \(request.uri)")
                let responses = try #require(operation["responses"] as? [String: Any])
                let documented = try #require(
                    Self.resolve(responses["\(response.status.code)"]) as? [String: Any],
                    "\(request.method) \(path) does not document status \(response.status.code)"
                )
                guard let content = documented["content"] as? [String: Any] else { continue }
                let contentType = response.headers[.contentType] ?? ""
                guard contentType.hasPrefix("application/json") else {
                    #expect(
                        content.keys.contains { contentType.hasPrefix($0) },
                        "\(request.uri): \(contentType) is not documented"
                    )
                    continue
                }
                let schema = (content["application/json"] as? [String: Any])?["schema"]
                let body = try JSONSerialization.jsonObject(
                    with: Data(response.body.readableBytesView),
                    options: [.fragmentsAllowed]
                )
                var problems: [String] = []
                Self.validate(body, against: schema, at: "$", problems: &problems)
                #expect(problems.isEmpty, "\(request.method) \(request.uri): \(problems)")
            }
            // Every documented operation was exercised.
            for (path, operations) in Self.paths {
                for method in operations.keys where ["get", "post", "delete"].contains(method) {
                    #expect(covered.contains("\(method) \(path)"), "\(method) \(path) has no request in this test")
                }
            }
        }
    }

    // MARK: A small JSON Schema check: $ref, type, required, properties, additionalProperties, items, enum.

    static func resolve(_ node: Any?) -> Any? {
        guard let object = node as? [String: Any], let reference = object["$ref"] as? String else { return node }
        var current: Any? = document
        for part in reference.dropFirst(2).split(separator: "/") {
            current = (current as? [String: Any])?[String(part)]
        }
        return resolve(current)
    }

    static func validate(_ value: Any, against node: Any?, at path: String, problems: inout [String]) {
        guard let schema = resolve(node) as? [String: Any] else { return }
        if let types = schema["type"] {
            let allowed = (types as? [String]) ?? [types as? String ?? ""]
            guard allowed.contains(where: { matches(value, type: $0) }) else {
                problems.append("\(path): expected \(allowed.joined(separator: " or ")), got \(value)")
                return
            }
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { "\($0)" == "\(value)" }) {
            problems.append("\(path): \(value) is not one of \(options)")
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                problems.append("\(path): missing required \(key)")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, child) in object {
                if let property = properties[key] {
                    validate(child, against: property, at: "\(path).\(key)", problems: &problems)
                } else if let additional = schema["additionalProperties"] {
                    validate(child, against: additional, at: "\(path).\(key)", problems: &problems)
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] {
            for (index, element) in array.enumerated() {
                validate(element, against: items, at: "\(path)[\(index)]", problems: &problems)
            }
        }
    }

    static func matches(_ value: Any, type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "string": return value is String
        case "integer": return (value as? NSNumber).map { !($0.doubleValue.rounded() != $0.doubleValue) } ?? false
        case "number": return value is NSNumber
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        default: return true
        }
    }
}
