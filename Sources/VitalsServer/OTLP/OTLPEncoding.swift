import Vitals

/// The two encodings of OTLP/HTTP, chosen by the request's `Content-Type`; the answer is in the same one.
enum OTLPEncoding: Sendable {
    case protobuf
    case json

    /// The encoding of a `Content-Type` (parameters such as `charset` ignored); `nil` for any other type.
    init?(contentType: String?) {
        guard let contentType else { return nil }
        let mediaType = contentType.prefix { $0 != ";" }.trimmingSpaces.lowercased()
        switch mediaType {
        case "application/x-protobuf", "application/protobuf": self = .protobuf
        case "application/json": self = .json
        default: return nil
        }
    }

    var contentType: String {
        switch self {
        case .protobuf: return "application/x-protobuf"
        case .json: return "application/json"
        }
    }

    /// `ExportTraceServiceResponse`: empty when every span was accepted, otherwise `partial_success` with the
    /// number of rejected spans and why.
    func exportResponse(rejectedSpans: Int, errorMessage: String) -> [UInt8] {
        switch self {
        case .protobuf:
            guard rejectedSpans > 0 else { return [] }
            var partial = ProtobufWriter()
            partial.varintField(1, UInt64(rejectedSpans))
            partial.bytesField(2, Array(errorMessage.utf8))
            var response = ProtobufWriter()
            response.bytesField(1, partial.bytes)
            return response.bytes
        case .json:
            var json = JSONWriter(capacity: 64 + errorMessage.utf8.count)
            json.beginObject()
            if rejectedSpans > 0 {
                json.beginObject("partialSuccess")
                json.integer("rejectedSpans", rejectedSpans)
                json.string("errorMessage", errorMessage)
                json.endObject()
            }
            json.endObject()
            return json.bytes
        }
    }

    /// A `google.rpc.Status` for an error answer, as OTLP/HTTP asks: `code` is the gRPC code matching the HTTP status.
    func status(httpStatus: Int, message: String) -> [UInt8] {
        let code = Self.grpcCode(httpStatus: httpStatus)
        switch self {
        case .protobuf:
            var status = ProtobufWriter()
            status.varintField(1, UInt64(code))
            status.bytesField(2, Array(message.utf8))
            return status.bytes
        case .json:
            var json = JSONWriter(capacity: 32 + message.utf8.count)
            json.beginObject()
            json.integer("code", code)
            json.string("message", message)
            json.endObject()
            return json.bytes
        }
    }

    /// The gRPC status code of an HTTP status (the mapping of the gRPC-HTTP guide, read backwards).
    static func grpcCode(httpStatus: Int) -> Int {
        switch httpStatus {
        case 400, 413, 415: return 3  // INVALID_ARGUMENT
        case 401: return 16  // UNAUTHENTICATED
        case 403: return 7  // PERMISSION_DENIED
        case 408: return 4  // DEADLINE_EXCEEDED
        case 429: return 8  // RESOURCE_EXHAUSTED
        case 503: return 14  // UNAVAILABLE
        default: return 2  // UNKNOWN
        }
    }
}

/// Writes the few protobuf fields of the OTLP answers.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func varintField(_ number: Int, _ value: UInt64) {
        varint(UInt64(number) << 3)
        varint(value)
    }

    mutating func bytesField(_ number: Int, _ value: [UInt8]) {
        varint(UInt64(number) << 3 | 2)
        varint(UInt64(value.count))
        bytes += value
    }

    mutating func fixed64Field(_ number: Int, _ value: UInt64) {
        varint(UInt64(number) << 3 | 1)
        for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
