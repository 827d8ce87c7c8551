import Foundation
import NIOCore
import Vitals

@testable import VitalsServer

/// A span for an OTLP request built by the tests, in protobuf or JSON.
struct OTLPTestSpan {
    enum Value {
        case string(String)
        case int(Int64)
        case double(Double)
        case bool(Bool)
        case array([Value])
    }

    var traceID: [UInt8] = Array(repeating: 0xAB, count: 16)
    var spanID: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
    var parentSpanID: [UInt8] = []
    var name: [UInt8]
    var start: UInt64 = UInt64(Recent.base.nanosecondsSinceEpoch) + 1_000_000_000
    var durationNanoseconds: UInt64 = 250_000_000
    var attributes: [(String, Value)] = []
    var status: (code: UInt64, message: String)?

    init(_ name: String, attributes: [(String, Value)] = [], status: (code: UInt64, message: String)? = nil) {
        self.name = Array(name.utf8)
        self.attributes = attributes
        self.status = status
    }

    static func chat(model: String, input: Int64, output: Int64) -> OTLPTestSpan {
        OTLPTestSpan(
            "chat \(model)",
            attributes: [
                ("gen_ai.operation.name", .string("chat")), ("gen_ai.request.model", .string(model)),
                ("gen_ai.provider.name", .string("openai")), ("gen_ai.usage.input_tokens", .int(input)),
                ("gen_ai.usage.output_tokens", .int(output)),
            ]
        )
    }

    static func value(_ value: Value) -> [UInt8] {
        var writer = ProtobufWriter()
        switch value {
        case .string(let text): writer.bytesField(1, Array(text.utf8))
        case .bool(let flag): writer.varintField(2, flag ? 1 : 0)
        case .int(let number): writer.varintField(3, UInt64(bitPattern: number))
        case .double(let number): writer.fixed64Field(4, number.bitPattern)
        case .array(let values):
            var array = ProtobufWriter()
            for element in values { array.bytesField(1, Self.value(element)) }
            writer.bytesField(5, array.bytes)
        }
        return writer.bytes
    }

    static func keyValue(_ key: String, _ value: Value) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.bytesField(1, Array(key.utf8))
        writer.bytesField(2, Self.value(value))
        return writer.bytes
    }

    var protobuf: [UInt8] {
        var writer = ProtobufWriter()
        if !traceID.isEmpty { writer.bytesField(1, traceID) }
        if !spanID.isEmpty { writer.bytesField(2, spanID) }
        if !parentSpanID.isEmpty { writer.bytesField(4, parentSpanID) }
        writer.bytesField(5, name)
        writer.varintField(6, 3)
        writer.fixed64Field(7, start)
        writer.fixed64Field(8, start + durationNanoseconds)
        for (key, value) in attributes { writer.bytesField(9, Self.keyValue(key, value)) }
        if let status {
            var message = ProtobufWriter()
            message.bytesField(2, Array(status.message.utf8))
            message.varintField(3, status.code)
            writer.bytesField(15, message.bytes)
        }
        return writer.bytes
    }

    /// An `ExportTraceServiceRequest` of one resource with `service.name` and one scope holding `spans`.
    static func request(service: String = "support-bot", _ spans: [OTLPTestSpan]) -> [UInt8] {
        var resource = ProtobufWriter()
        resource.bytesField(1, keyValue("service.name", .string(service)))
        resource.bytesField(1, keyValue("host.name", .string("h1")))
        var scope = ProtobufWriter()
        var library = ProtobufWriter()
        library.bytesField(1, Array("test".utf8))
        scope.bytesField(1, library.bytes)
        for span in spans { scope.bytesField(2, span.protobuf) }
        var resourceSpans = ProtobufWriter()
        // The spans before their resource: a decoder must not depend on field order.
        resourceSpans.bytesField(2, scope.bytes)
        resourceSpans.bytesField(1, resource.bytes)
        var request = ProtobufWriter()
        request.bytesField(1, resourceSpans.bytes)
        return request.bytes
    }

    static func json(_ value: Value) -> String {
        switch value {
        case .string(let text): return "{\"stringValue\":\"\(text)\"}"
        case .bool(let flag): return "{\"boolValue\":\(flag)}"
        case .int(let number): return "{\"intValue\":\"\(number)\"}"
        case .double(let number): return "{\"doubleValue\":\(number)}"
        case .array(let values): return "{\"arrayValue\":{\"values\":[\(values.map(json).joined(separator: ","))]}}"
        }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    var json: String {
        var members = [
            "\"traceId\":\"\(Self.hex(traceID))\"", "\"spanId\":\"\(Self.hex(spanID))\"",
            "\"parentSpanId\":\"\(Self.hex(parentSpanID))\"", "\"name\":\"\(String(decoding: name, as: UTF8.self))\"",
            "\"kind\":3", "\"startTimeUnixNano\":\"\(start)\"", "\"endTimeUnixNano\":\(start + durationNanoseconds)",
            "\"attributes\":["
                + attributes.map { "{\"key\":\"\($0.0)\",\"value\":\(Self.json($0.1))}" }
                .joined(separator: ",") + "]",
        ]
        if let status { members.append("\"status\":{\"code\":\(status.code),\"message\":\"\(status.message)\"}") }
        return "{" + members.joined(separator: ",") + "}"
    }

    static func jsonRequest(service: String = "support-bot", _ spans: [OTLPTestSpan]) -> String {
        "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\""
            + service + "\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"test\"},\"spans\":["
            + spans.map(\.json).joined(separator: ",") + "]}]}]}"
    }

    /// The five kinds of span of the GenAI conventions the mapping knows, and one it does not.
    static var mixed: [OTLPTestSpan] {
        var spans = [
            chat(model: "gpt-5-mini", input: 120, output: 30),
            chat(model: "gpt-5-mini", input: 80, output: 20),
            OTLPTestSpan(
                "execute_tool search",
                attributes: [
                    ("gen_ai.operation.name", .string("execute_tool")), ("gen_ai.tool.name", .string("search")),
                ]
            ),
            OTLPTestSpan(
                "invoke_agent planner",
                attributes: [
                    ("gen_ai.operation.name", .string("invoke_agent")), ("gen_ai.agent.name", .string("planner")),
                ]
            ),
            OTLPTestSpan(
                "chat",
                attributes: [
                    ("gen_ai.operation.name", .string("chat")), ("gen_ai.request.model", .string("gpt-5-mini")),
                    ("gen_ai.system", .string("openai")), ("error.type", .string("RateLimitError")),
                ],
                status: (2, "429 Too Many Requests")
            ),
            OTLPTestSpan(
                "route_query",
                attributes: [
                    ("route", .string("kb")), ("confidence", .double(0.75)), ("cached", .bool(true)),
                    ("tags", .array([.string("a"), .int(2)])),
                ]
            ),
        ]
        for index in spans.indices {
            spans[index].spanID[7] = UInt8(index + 1)
            if index > 0 { spans[index].parentSpanID = spans[0].spanID }
        }
        return spans
    }
}
