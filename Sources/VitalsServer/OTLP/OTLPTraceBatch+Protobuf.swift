import Vitals

// The fields of opentelemetry-proto (v1) that Vitals reads; everything else is skipped by wire type.
// ExportTraceServiceRequest: 1 resource_spans. ResourceSpans: 1 resource, 2 scope_spans. Resource: 1 attributes.
// ScopeSpans: 2 spans. Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 7 start_time_unix_nano (fixed64),
// 8 end_time_unix_nano (fixed64), 9 attributes, 15 status. Status: 2 message, 3 code. KeyValue: 1 key, 2 value.
// AnyValue: 1 string, 2 bool, 3 int, 4 double, 5 array, 6 kvlist, 7 bytes. ArrayValue and KeyValueList: 1 values.

extension OTLPTraceBatch {
    /// Decodes an `ExportTraceServiceRequest` in protobuf.
    ///
    /// Framing errors of the request, a `ResourceSpans` or a `ScopeSpans` (a length past the end, a cut varint)
    /// make the whole body unusable: nothing can be trusted after them. Anything wrong inside one span — framing
    /// included, since its length was good — rejects that span only; a resource that cannot be read rejects its
    /// spans.
    ///
    /// - Throws: ``IngestBodyError`` for an unusable body or more than `maximumSpans` spans.
    init(protobuf bytes: UnsafeRawBufferPointer, maximumSpans: Int) throws(IngestBodyError) {
        self.init(maximumSpans: maximumSpans)
        records.reserveCapacity(min(maximumSpans, bytes.count / 128))
        var reader = ProtobufReader(bytes)
        var fields = OTLPSpanFields()
        do {
            while !reader.isAtEnd {
                let (number, wireType) = try reader.field()
                if number == 1 && wireType == .lengthDelimited {
                    try decodeResourceSpans(reader.lengthDelimited(), fields: &fields)
                } else {
                    try reader.skip(wireType)
                }
            }
        } catch let error as ProtobufReader.Malformed {
            throw IngestBodyError("the body is not a protobuf ExportTraceServiceRequest: \(error)")
        } catch let error as IngestBodyError {
            throw error
        } catch {
            throw IngestBodyError("the body could not be read: \(error)")
        }
    }

    private mutating func decodeResourceSpans(
        _ bytes: UnsafeRawBufferPointer,
        fields: inout OTLPSpanFields
    ) throws {
        // The resource may come after the spans it describes: find it first.
        var reader = ProtobufReader(bytes)
        var resource: UnsafeRawBufferPointer?
        while !reader.isAtEnd {
            let (number, wireType) = try reader.field()
            if number == 1 && wireType == .lengthDelimited {
                resource = try reader.lengthDelimited()
            } else {
                try reader.skip(wireType)
            }
        }
        var labels = Labels()
        var resourceError: String?
        if let resource {
            do throws(OTLPSpanError) {
                labels = Self.resourceLabels(try Self.decodeResource(resource))
            } catch {
                resourceError = "its resource cannot be read: \(error.message)"
            }
        }
        reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.field()
            guard number == 2 && wireType == .lengthDelimited else {
                try reader.skip(wireType)
                continue
            }
            var scope = ProtobufReader(try reader.lengthDelimited())
            while !scope.isAtEnd {
                let (number, wireType) = try scope.field()
                guard number == 2 && wireType == .lengthDelimited else {
                    try scope.skip(wireType)
                    continue
                }
                let span = try scope.lengthDelimited()
                let spanNumber = try nextSpan()
                if let resourceError {
                    reject(span: spanNumber, resourceError)
                    continue
                }
                do throws(OTLPSpanError) {
                    try Self.decodeSpan(span, into: &fields)
                    switch fields.event(labels: labels) {
                    case .success(let event): accept(span: spanNumber, event)
                    case .failure(let error): reject(span: spanNumber, error.message)
                    }
                } catch {
                    reject(span: spanNumber, error.message)
                }
            }
        }
    }

    private static func decodeResource(
        _ bytes: UnsafeRawBufferPointer
    ) throws(OTLPSpanError) -> [(key: String, value: SpanAttributeValue)] {
        var attributes: [(key: String, value: SpanAttributeValue)] = []
        var reader = ProtobufReader(bytes)
        try Self.framed {
            while !reader.isAtEnd {
                let (number, wireType) = try reader.field()
                if number == 1 && wireType == .lengthDelimited && attributes.count < maximumResourceAttributes {
                    if let pair = try decodeKeyValue(try reader.lengthDelimited(), depth: 0) { attributes.append(pair) }
                } else {
                    try reader.skip(wireType)
                }
            }
        }
        return attributes
    }

    /// Reads one span into `fields` (reused from span to span, so its attribute array keeps its capacity).
    static func decodeSpan(_ bytes: UnsafeRawBufferPointer, into fields: inout OTLPSpanFields) throws(OTLPSpanError) {
        fields.traceID = nil
        fields.spanID = nil
        fields.parentSpanID = nil
        fields.name = ""
        fields.start = 0
        fields.end = 0
        fields.attributes.removeAll(keepingCapacity: true)
        fields.statusCode = 0
        fields.statusMessage = nil
        var reader = ProtobufReader(bytes)
        try framed {
            while !reader.isAtEnd {
                let (number, wireType) = try reader.field()
                switch number {
                case 1:
                    fields.traceID = try identifier(bytesField(&reader, wireType, "trace_id"), "trace_id", size: 16)
                case 2:
                    fields.spanID = try identifier(bytesField(&reader, wireType, "span_id"), "span_id", size: 8)
                case 4:
                    let parent = try bytesField(&reader, wireType, "parent_span_id")
                    // An empty parent is a root span.
                    if !parent.isEmpty { fields.parentSpanID = try identifier(parent, "parent_span_id", size: 8) }
                case 5:
                    fields.name = try string(bytesField(&reader, wireType, "name"), "name")
                case 7:
                    try expect(wireType, .fixed64, "start_time_unix_nano")
                    fields.start = try reader.fixed64()
                case 8:
                    try expect(wireType, .fixed64, "end_time_unix_nano")
                    fields.end = try reader.fixed64()
                case 9:
                    let pair = try bytesField(&reader, wireType, "attributes")
                    if fields.attributes.count < GenAISpanMapping.maximumAttributes,
                        let attribute = try decodeKeyValue(pair, depth: 0)
                    {
                        fields.attributes.append(attribute)
                    }
                case 15:
                    try decodeStatus(bytesField(&reader, wireType, "status"), into: &fields)
                default:
                    try reader.skip(wireType)
                }
            }
        }
    }

    private static func decodeStatus(
        _ bytes: UnsafeRawBufferPointer,
        into fields: inout OTLPSpanFields
    ) throws(OTLPSpanError) {
        var reader = ProtobufReader(bytes)
        try framed {
            while !reader.isAtEnd {
                let (number, wireType) = try reader.field()
                switch number {
                case 2:
                    fields.statusMessage = try string(bytesField(&reader, wireType, "status.message"), "status.message")
                case 3:
                    try expect(wireType, .varint, "status.code")
                    fields.statusCode = try reader.varint()
                default: try reader.skip(wireType)
                }
            }
        }
    }

    /// A `KeyValue`; `nil` for an empty key or a value that is absent.
    private static func decodeKeyValue(
        _ bytes: UnsafeRawBufferPointer,
        depth: Int
    ) throws(OTLPSpanError) -> (key: String, value: SpanAttributeValue)? {
        var reader = ProtobufReader(bytes)
        var key = ""
        var value: SpanAttributeValue?
        try framed {
            while !reader.isAtEnd {
                let (number, wireType) = try reader.field()
                switch number {
                case 1: key = try string(bytesField(&reader, wireType, "attribute key"), "attribute key")
                case 2: value = try decodeAnyValue(bytesField(&reader, wireType, "attribute value"), depth: depth)
                default: try reader.skip(wireType)
                }
            }
        }
        guard !key.isEmpty, let value else { return nil }
        return (key, value)
    }

    /// An `AnyValue`; lists and maps are rendered as JSON text, byte strings as hex.
    private static func decodeAnyValue(
        _ bytes: UnsafeRawBufferPointer,
        depth: Int
    ) throws(OTLPSpanError) -> SpanAttributeValue? {
        guard depth < maximumValueDepth else {
            throw OTLPSpanError("an attribute value nests lists or maps deeper than \(maximumValueDepth) levels")
        }
        var reader = ProtobufReader(bytes)
        var value: SpanAttributeValue?
        try framed {
            while !reader.isAtEnd {
                let (number, wireType) = try reader.field()
                switch number {
                case 1: value = .string(try string(bytesField(&reader, wireType, "string_value"), "string_value"))
                case 2:
                    try expect(wireType, .varint, "bool_value")
                    value = .bool(try reader.varint() != 0)
                case 3:
                    try expect(wireType, .varint, "int_value")
                    value = .int(Int64(bitPattern: try reader.varint()))
                case 4:
                    try expect(wireType, .fixed64, "double_value")
                    value = .double(Double(bitPattern: try reader.fixed64()))
                case 5, 6:
                    let isList = number == 5
                    var elements = ProtobufReader(
                        try bytesField(&reader, wireType, isList ? "array_value" : "kvlist_value")
                    )
                    var parts: [String] = []
                    var length = 0
                    while !elements.isAtEnd {
                        let (number, wireType) = try elements.field()
                        guard number == 1 else {
                            try elements.skip(wireType)
                            continue
                        }
                        let element = try bytesField(&elements, wireType, "values")
                        let part: String?
                        if isList {
                            part = json(try decodeAnyValue(element, depth: depth + 1))
                        } else {
                            part = try decodeKeyValue(element, depth: depth + 1).map {
                                json(.string($0.key)) + ":" + json($0.value)
                            }
                        }
                        guard let part else { continue }
                        parts.append(part)
                        length += part.utf8.count + 1
                        // A rendered value longer than any kept text is cut here, not after growing without bound.
                        if length > GenAISpanMapping.maximumTextLength { break }
                    }
                    value = .text((isList ? "[" : "{") + parts.joined(separator: ",") + (isList ? "]" : "}"))
                case 7:
                    value = .text(OTLPTraceBatch.hex(try bytesField(&reader, wireType, "bytes_value")))
                default:
                    try reader.skip(wireType)
                }
            }
        }
        return value
    }

    /// A value inside a rendered list or map, in JSON.
    static func json(_ value: SpanAttributeValue?) -> String {
        switch value {
        case nil: return "null"
        case .string(let text)?:
            var json = JSONWriter(capacity: text.utf8.count + 2)
            json.string(nil, text)
            return String(decoding: json.bytes, as: UTF8.self)
        case .int(let number)?: return String(number)
        case .double(let number)?: return number.isFinite ? AttributeValue.double(number).description : "null"
        case .bool(let flag)?: return flag ? "true" : "false"
        case .text(let text)?: return text
        }
    }

    // MARK: Field helpers

    /// Runs `body`, turning the reader's framing errors into a span error.
    private static func framed(_ body: () throws -> Void) throws(OTLPSpanError) {
        do {
            try body()
        } catch let error as OTLPSpanError {
            throw error
        } catch let error as ProtobufReader.Malformed {
            throw OTLPSpanError("malformed protobuf: \(error)")
        } catch {
            throw OTLPSpanError("\(error)")
        }
    }

    private static func expect(
        _ wireType: ProtobufReader.WireType,
        _ expected: ProtobufReader.WireType,
        _ field: String
    ) throws(OTLPSpanError) {
        guard wireType == expected else {
            throw OTLPSpanError("\(field) has wire type \(wireType.name); expected \(expected.name)")
        }
    }

    private static func bytesField(
        _ reader: inout ProtobufReader,
        _ wireType: ProtobufReader.WireType,
        _ field: String
    ) throws(OTLPSpanError) -> UnsafeRawBufferPointer {
        try expect(wireType, .lengthDelimited, field)
        do {
            return try reader.lengthDelimited()
        } catch {
            throw OTLPSpanError("malformed protobuf: \(error)")
        }
    }

    private static func string(_ bytes: UnsafeRawBufferPointer, _ field: String) throws(OTLPSpanError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw OTLPSpanError("\(field) is not valid UTF-8")
        }
        return text
    }

    /// A trace or span identifier: exactly `size` bytes, not all zero (an invalid identifier in W3C Trace Context).
    private static func identifier(
        _ bytes: UnsafeRawBufferPointer,
        _ field: String,
        size: Int
    ) throws(OTLPSpanError) -> String {
        guard bytes.count == size else { throw OTLPSpanError("\(field) is \(bytes.count) bytes; expected \(size)") }
        guard bytes.contains(where: { $0 != 0 }) else { throw OTLPSpanError("\(field) is all zeros") }
        return hex(bytes)
    }
}
