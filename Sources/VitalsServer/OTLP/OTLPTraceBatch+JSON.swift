import Foundation
import Vitals

// OTLP/JSON is the protobuf JSON mapping of the same messages, with the OTLP exceptions: trace and span ids are hex
// (not base64), enums are integers. Keys are lowerCamelCase; the original snake_case names are accepted too, as the
// protobuf JSON mapping requires of a parser. 64-bit integers come as strings or numbers.

extension OTLPTraceBatch {
    /// The deepest nesting of objects and arrays a JSON body may have (an OTLP request needs about a dozen levels,
    /// attribute values with nested lists and maps a few more).
    static let maximumJSONDepth = 64

    /// Decodes an `ExportTraceServiceRequest` in OTLP/JSON.
    ///
    /// A body that is not JSON, or whose request, resource-spans or scope-spans structure is wrong, is unusable.
    /// Anything wrong inside one span rejects that span only.
    ///
    /// - Throws: ``IngestBodyError`` for an unusable body or more than `maximumSpans` spans.
    init(json bytes: UnsafeRawBufferPointer, maximumSpans: Int) throws(IngestBodyError) {
        self.init(maximumSpans: maximumSpans)
        // Checked before parsing, so that a body of a million `[` never reaches a recursive parser.
        let depth = Self.nestingDepth(bytes)
        guard depth <= Self.maximumJSONDepth else {
            throw IngestBodyError(
                "the JSON body nests objects and arrays deeper than \(Self.maximumJSONDepth) levels"
            )
        }
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            throw IngestBodyError("the body is not JSON: \(Self.describe(error))")
        }
        guard let request = root as? [String: Any] else {
            throw IngestBodyError("the body is not a JSON object; expected an ExportTraceServiceRequest")
        }
        guard let resourceSpans = Self.member(request, "resourceSpans", "resource_spans") else { return }
        guard let resourceSpans = resourceSpans as? [Any] else {
            throw IngestBodyError("resourceSpans is not an array")
        }
        var fields = OTLPSpanFields()
        for (resourceIndex, element) in resourceSpans.enumerated() {
            guard let resourceSpan = element as? [String: Any] else {
                throw IngestBodyError("resourceSpans[\(resourceIndex)] is not an object")
            }
            var labels = Labels()
            var resourceError: String?
            if let resource = Self.member(resourceSpan, "resource", "resource") {
                do throws(OTLPSpanError) {
                    guard let resource = resource as? [String: Any] else { throw OTLPSpanError("it is not an object") }
                    let attributes = try Self.jsonAttributes(
                        Self.member(resource, "attributes", "attributes"),
                        limit: Self.maximumResourceAttributes
                    )
                    labels = Self.resourceLabels(attributes)
                } catch {
                    resourceError = "its resource cannot be read: \(error.message)"
                }
            }
            guard let scopeSpans = Self.member(resourceSpan, "scopeSpans", "scope_spans") else { continue }
            guard let scopeSpans = scopeSpans as? [Any] else {
                throw IngestBodyError("resourceSpans[\(resourceIndex)].scopeSpans is not an array")
            }
            for (scopeIndex, element) in scopeSpans.enumerated() {
                guard let scopeSpan = element as? [String: Any] else {
                    throw IngestBodyError("resourceSpans[\(resourceIndex)].scopeSpans[\(scopeIndex)] is not an object")
                }
                guard let spans = Self.member(scopeSpan, "spans", "spans") else { continue }
                guard let spans = spans as? [Any] else {
                    throw IngestBodyError(
                        "resourceSpans[\(resourceIndex)].scopeSpans[\(scopeIndex)].spans is not an array"
                    )
                }
                for span in spans {
                    let number = try nextSpan()
                    if let resourceError {
                        reject(span: number, resourceError)
                        continue
                    }
                    do throws(OTLPSpanError) {
                        try Self.decodeSpan(json: span, into: &fields)
                        switch fields.event(labels: labels) {
                        case .success(let event): accept(span: number, event)
                        case .failure(let error): reject(span: number, error.message)
                        }
                    } catch {
                        reject(span: number, error.message)
                    }
                }
            }
        }
    }

    static func decodeSpan(json: Any, into fields: inout OTLPSpanFields) throws(OTLPSpanError) {
        guard let span = json as? [String: Any] else { throw OTLPSpanError("it is not an object") }
        fields.traceID = try hexIdentifier(member(span, "traceId", "trace_id"), "traceId", size: 16)
        fields.spanID = try hexIdentifier(member(span, "spanId", "span_id"), "spanId", size: 8)
        fields.parentSpanID = try hexIdentifier(member(span, "parentSpanId", "parent_span_id"), "parentSpanId", size: 8)
        fields.name = try string(member(span, "name", "name"), "name") ?? ""
        fields.start = try unsigned(member(span, "startTimeUnixNano", "start_time_unix_nano"), "startTimeUnixNano")
        fields.end = try unsigned(member(span, "endTimeUnixNano", "end_time_unix_nano"), "endTimeUnixNano")
        fields.attributes = try jsonAttributes(
            member(span, "attributes", "attributes"),
            limit: GenAISpanMapping.maximumAttributes
        )
        fields.statusCode = 0
        fields.statusMessage = nil
        if let status = member(span, "status", "status") {
            guard let status = status as? [String: Any] else { throw OTLPSpanError("status is not an object") }
            fields.statusMessage = try string(member(status, "message", "message"), "status.message")
            switch member(status, "code", "code") {
            case nil: break
            case let name as String:
                // Enum names are what the protobuf JSON mapping writes; OTLP asks for integers but both mean it.
                switch name {
                case "STATUS_CODE_UNSET": fields.statusCode = 0
                case "STATUS_CODE_OK": fields.statusCode = 1
                case "STATUS_CODE_ERROR": fields.statusCode = 2
                default: throw OTLPSpanError("status.code \(name) is not a status code; expected 0, 1 or 2")
                }
            case let code?:
                fields.statusCode = try unsigned(code, "status.code")
            }
        }
    }

    /// `attributes`: an array of `{"key": …, "value": AnyValue}`; at most `limit` are read.
    private static func jsonAttributes(
        _ value: Any?,
        limit: Int
    ) throws(OTLPSpanError) -> [(key: String, value: SpanAttributeValue)] {
        guard let value else { return [] }
        guard let list = value as? [Any] else { throw OTLPSpanError("attributes is not an array") }
        var attributes: [(key: String, value: SpanAttributeValue)] = []
        attributes.reserveCapacity(min(list.count, limit))
        for element in list.prefix(limit) {
            if let pair = try keyValue(element, depth: 0) { attributes.append(pair) }
        }
        return attributes
    }

    private static func keyValue(
        _ value: Any,
        depth: Int
    ) throws(OTLPSpanError) -> (
        key: String, value: SpanAttributeValue
    )? {
        guard let object = value as? [String: Any] else { throw OTLPSpanError("an attribute is not an object") }
        guard let key = try string(member(object, "key", "key"), "attribute key"), !key.isEmpty,
            let value = member(object, "value", "value")
        else { return nil }
        guard let anyValue = try anyValue(value, depth: depth) else { return nil }
        return (key, anyValue)
    }

    /// An AnyValue object: `{"stringValue": …}`, `{"intValue": "12"}`, `{"arrayValue": {"values": […]}}`, …
    private static func anyValue(_ value: Any, depth: Int) throws(OTLPSpanError) -> SpanAttributeValue? {
        guard depth < maximumValueDepth else {
            throw OTLPSpanError("an attribute value nests lists or maps deeper than \(maximumValueDepth) levels")
        }
        guard let object = value as? [String: Any] else { throw OTLPSpanError("an attribute value is not an object") }
        if let text = member(object, "stringValue", "string_value") {
            guard let text = text as? String else { throw OTLPSpanError("stringValue is not a string") }
            return .string(text)
        }
        if let flag = member(object, "boolValue", "bool_value") {
            guard let flag = flag as? Bool else { throw OTLPSpanError("boolValue is not true or false") }
            return .bool(flag)
        }
        if let number = member(object, "intValue", "int_value") {
            return .int(try signed(number, "intValue"))
        }
        if let number = member(object, "doubleValue", "double_value") {
            switch number {
            case let text as String:
                // The protobuf JSON mapping writes non-finite doubles as strings.
                switch text {
                case "NaN": return .double(.nan)
                case "Infinity": return .double(.infinity)
                case "-Infinity": return .double(-.infinity)
                default:
                    guard let value = Double(text) else { throw OTLPSpanError("doubleValue \(text) is not a number") }
                    return .double(value)
                }
            case let number as NSNumber:
                return .double(number.doubleValue)
            default:
                throw OTLPSpanError("doubleValue is not a number")
            }
        }
        for (camel, snake, isList) in [("arrayValue", "array_value", true), ("kvlistValue", "kvlist_value", false)] {
            guard let container = member(object, camel, snake) else { continue }
            guard let container = container as? [String: Any] else { throw OTLPSpanError("\(camel) is not an object") }
            let elements = member(container, "values", "values") ?? [Any]()
            guard let elements = elements as? [Any] else { throw OTLPSpanError("\(camel).values is not an array") }
            var parts: [String] = []
            var length = 0
            for element in elements {
                let part: String?
                if isList {
                    part = json(try anyValue(element, depth: depth + 1))
                } else {
                    part = try keyValue(element, depth: depth + 1).map { json(.string($0.key)) + ":" + json($0.value) }
                }
                guard let part else { continue }
                parts.append(part)
                length += part.utf8.count + 1
                if length > GenAISpanMapping.maximumTextLength { break }
            }
            return .text((isList ? "[" : "{") + parts.joined(separator: ",") + (isList ? "]" : "}"))
        }
        if let bytes = member(object, "bytesValue", "bytes_value") {
            guard let base64 = bytes as? String, let data = Data(base64Encoded: base64) else {
                throw OTLPSpanError("bytesValue is not base64")
            }
            return .text(data.withUnsafeBytes { hex($0) })
        }
        return nil
    }

    // MARK: Field helpers

    /// A member by its lowerCamelCase name, or its snake_case one.
    static func member(_ object: [String: Any], _ camel: String, _ snake: String) -> Any? {
        if let value = object[camel], !(value is NSNull) { return value }
        if camel != snake, let value = object[snake], !(value is NSNull) { return value }
        return nil
    }

    private static func string(_ value: Any?, _ field: String) throws(OTLPSpanError) -> String? {
        guard let value else { return nil }
        guard let text = value as? String else { throw OTLPSpanError("\(field) is not a string") }
        return text
    }

    /// A hex identifier of `size` bytes, in lowercase; `nil` when absent or empty (a root span's parent).
    private static func hexIdentifier(_ value: Any?, _ field: String, size: Int) throws(OTLPSpanError) -> String? {
        guard let text = try string(value, field), !text.isEmpty else { return nil }
        guard text.utf8.count == 2 * size, text.utf8.allSatisfy({ $0.isHexDigit }) else {
            throw OTLPSpanError("\(field) is not \(2 * size) hex digits")
        }
        guard text.utf8.contains(where: { $0 != UInt8(ascii: "0") }) else {
            throw OTLPSpanError("\(field) is all zeros")
        }
        return text.lowercased()
    }

    /// A uint64 (fixed64 times, enums): a string of digits or an exact whole number; `0` when absent.
    private static func unsigned(_ value: Any?, _ field: String) throws(OTLPSpanError) -> UInt64 {
        guard let value else { return 0 }
        return try whole(value, field)
    }

    /// An int64: a string of digits or an exact whole number.
    private static func signed(_ value: Any, _ field: String) throws(OTLPSpanError) -> Int64 {
        try whole(value, field)
    }

    /// A whole number of type `Number`: a string of digits or a JSON number with no fraction that fits.
    private static func whole<Number: FixedWidthInteger>(
        _ value: Any,
        _ field: String
    ) throws(OTLPSpanError) -> Number {
        switch value {
        case let text as String:
            guard let number = Number(text) else { throw OTLPSpanError("\(field) \(text) is not a whole number") }
            return number
        case let number as NSNumber:
            if let exact = value as? Number { return exact }
            guard let exact = Number(exactly: number.doubleValue) else {
                let bound = Number.isSigned ? "" : " >= 0"
                throw OTLPSpanError("\(field) \(number) is not a whole number\(bound)")
            }
            return exact
        default:
            throw OTLPSpanError("\(field) is not a number")
        }
    }

    /// The deepest nesting of `{` and `[` outside strings.
    static func nestingDepth(_ bytes: UnsafeRawBufferPointer) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return deepest
    }

    private static func describe(_ error: any Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        return BoundedText.bounded(text, limit: 300)
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
